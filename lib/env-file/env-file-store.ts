/**
 * The `.env` store: writes OAuth tokens into a dotenv file without disturbing anything else,
 * under the file's cross-process lock.
 *
 * The file belongs to the user: comments, blank lines, quoting, `export ` prefixes, CRLF
 * line endings and a byte order mark are theirs, and a lost rotated refresh token means
 * starting the OAuth flow over (RFC 6749 §6: the server may revoke the old refresh token once
 * it has issued a new one). So an update holds the lock (env-file-lock.ts) from reading the
 * file to replacing it, changes only the value of the keys it names (env-text-editor.ts) and
 * replaces the file atomically (atomic-write.ts). Values are secrets: no message here ever
 * contains one, only the file path and the key.
 */
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { EnvFileError } from '../errors';
import { writeAtomically } from './atomic-write';
import {
  acquireLock,
  DEFAULT_STALE_LOCK_MS,
  keepRenewing,
  releaseLock,
  removeLeftovers,
  type EnvFileLockOptions,
} from './env-file-lock';
import { fsCode, readEnvBytes, readEnvFile, throwUnlessMissing, type EnvFileContents } from './env-reader';
import { applyEnvUpdates, assertKey, type EnvUpdates } from './env-text-editor';

/** An env file whose lock this process holds: reads and writes go through it, nothing else may. */
export interface LockedEnvFile {
  /** The path as given. */
  readonly path: string;
  /** Where it really is (a symlink's target): temp and recovery files go beside it. */
  readonly target: string;
  read(): Promise<EnvFileContents>;
  /** Apply → atomic write, under the lock already held. */
  update(updates: EnvUpdates): Promise<void>;
}

/**
 * Runs `work` while holding the env file's lock, renewing it so that a long hold (a token
 * request waiting for its answer) is never taken for abandoned. Leftovers of killed writers
 * are removed first.
 */
export async function withLockedEnvFile<T>(
  path: string,
  options: EnvFileLockOptions,
  work: (file: LockedEnvFile) => Promise<T>,
): Promise<T> {
  // Write where a symlink points, so the link stays a link and both names share one lock.
  const target = await fs.realpath(path).catch(() => path);
  const lockPath = `${target}.lock`;
  const staleMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const token = await acquireLock(target, lockPath, path, options);
  const stopRenewing = keepRenewing(lockPath, token, staleMs);
  try {
    await removeLeftovers(target, staleMs);
    return await work({
      path,
      target,
      read: () => readEnvFile(target),
      update: (updates) => updateLocked(path, target, updates),
    });
  } finally {
    stopRenewing();
    await releaseLock(lockPath, token);
  }
}

/**
 * Lock → read → apply → atomic write. Creates the file (mode 0600) if it is missing, and
 * leaves an existing one at mode 0600. Writes through a symlink to its target.
 */
export async function updateEnvFile(
  path: string,
  updates: EnvUpdates,
  options: EnvFileLockOptions = {},
): Promise<void> {
  for (const key of Object.keys(updates)) assertKey(key, path);
  await withLockedEnvFile(path, options, (file) => file.update(updates));
}

async function updateLocked(path: string, target: string, updates: EnvUpdates): Promise<void> {
  for (const key of Object.keys(updates)) assertKey(key, path);
  const { bytes, stat } = await readCurrent(path, target);
  const text = decodeUtf8(path, bytes);
  const next = applyEnvUpdates(text, updates, path);
  // Nothing to write (and no reason to create an empty file), but the mode still holds.
  if (next === text) return keepPrivate(path, target, stat);
  await writeAtomically(target, Buffer.from(next, 'utf8'), stat ? { uid: stat.uid, gid: stat.gid } : undefined);
}

/** The file's bytes (the one reader, env-reader.ts) and its mode and owner; neither when it does not exist yet. */
async function readCurrent(path: string, target: string): Promise<{ bytes?: Buffer; stat?: Stats }> {
  const bytes = await readEnvBytes(target, path);
  if (bytes === undefined) return {};
  const stat = await fs.stat(target).catch((error: unknown) => {
    throwUnlessMissing(path, error);
    return undefined;
  });
  return stat ? { bytes, stat } : { bytes };
}

/** Rewriting bytes that are not UTF-8 would change bytes outside the updated keys. */
function decodeUtf8(path: string, bytes: Buffer | undefined): string {
  const text = bytes?.toString('utf8') ?? '';
  if (bytes && !Buffer.from(text, 'utf8').equals(bytes)) {
    throw new EnvFileError('ENV_FILE_NOT_UTF8', { path });
  }
  return text;
}

/** Mode 0600 for an existing file even when no value changed: it holds tokens. */
async function keepPrivate(path: string, target: string, stat: Stats | undefined): Promise<void> {
  if (!stat || (stat.mode & 0o777) === 0o600) return;
  await fs.chmod(target, 0o600).catch((error: unknown) => {
    throw new EnvFileError(
      'ENV_FILE_WRITE_FAILED',
      { path, operation: 'set-mode', reason: fsCode(error) ?? 'error' },
      { cause: error },
    );
  });
}
