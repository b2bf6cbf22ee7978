/**
 * Replacing a file so that a crash at any moment leaves the old content or the new one,
 * never a mix, and a completed replacement survives a power cut: the env file holds a
 * refresh token the server may have rotated out of the old one (RFC 6749 §6).
 */
import * as fs from 'node:fs/promises';
import { dirname } from 'node:path';
import { EnvFileError } from '../errors';
import { fsCode } from './env-reader';
import { scratchPath } from './scratch-files';

/** The calls the atomic write makes on an open file or folder. */
export type AtomicWriteHandle = Pick<fs.FileHandle, 'writeFile' | 'chmod' | 'chown' | 'sync' | 'datasync' | 'close'>;

/**
 * The node:fs/promises calls the atomic write makes, so that a test can see which of them it
 * makes, and in what order, on real files (tests/self-test/env-file-durability.spec.ts).
 */
export interface AtomicWriteFileSystem {
  open(path: string, flags: 'wx' | 'r', mode?: number): Promise<AtomicWriteHandle>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** Who should own the file: the owner of the file it replaces. */
export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * Temp file in the same folder (rename(2) is atomic only within one file system), created
 * 0600 before any secret is in it, fsynced, renamed over the target, then the folder fsynced
 * so the rename itself survives a crash (fsync(2): "an explicit fsync() on a file descriptor
 * for the directory is also needed"). On failure the temp file is removed and the target
 * was never touched.
 */
export async function writeAtomically(
  path: string,
  bytes: Buffer,
  owner: FileOwner | undefined,
  files: AtomicWriteFileSystem = fs,
): Promise<void> {
  const temp = scratchPath(path, '');
  try {
    await writeTempFile(temp, bytes, owner, files);
    await files.rename(temp, path);
  } catch (error) {
    await files.unlink(temp).catch(() => undefined);
    throw new EnvFileError(
      'ENV_FILE_WRITE_FAILED',
      { path, operation: 'write', reason: fsCode(error) ?? 'error' },
      { cause: error },
    );
  }
  try {
    await syncFolder(dirname(path), files);
  } catch (error) {
    throw new EnvFileError(
      'ENV_FILE_WRITE_FAILED',
      { path, operation: 'flush-folder', reason: fsCode(error) ?? 'error' },
      { cause: error },
    );
  }
}

/** The new content, on disk (fsync(2)) and closed before it may take the target's name. */
async function writeTempFile(
  temp: string,
  bytes: Buffer,
  owner: FileOwner | undefined,
  files: AtomicWriteFileSystem,
): Promise<void> {
  const handle = await files.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.chmod(0o600); // the umask may have stripped bits from the open mode
    if (owner && process.getuid?.() === 0) {
      // A root-run update must not hand the user's file over to root.
      await handle.chown(owner.uid, owner.gid);
    }
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

async function syncFolder(folder: string, files: AtomicWriteFileSystem): Promise<void> {
  let handle: AtomicWriteHandle | undefined;
  try {
    handle = await files.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms cannot open or fsync a folder (Windows: EISDIR/EPERM); the rename
    // itself has happened and is atomic, only its durability across a power cut is weaker.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(fsCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
