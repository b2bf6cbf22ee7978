/**
 * The cross-process lock of an env file: a lock file next to it, created only if absent,
 * whose owner record names the holder (pid, host, purpose, never anything secret). Holding it
 * covers read → apply → write, so concurrent writers of different keys serialise instead of
 * overwriting each other's read-modify-write; a token request holds it from reading the
 * refresh token to storing the answer (lib/custody/token-custody.ts). A holder killed while
 * holding it leaves it behind naming a dead pid, which the next writer breaks at once; one
 * that stops renewing it (`staleLockMs`) is judged abandoned.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvFileError } from '../errors';
import { fsCode } from './env-reader';
import { asidePath, leftoverOf, scratchPath } from './scratch-files';

/** What `updateEnvFile` and `withLockedEnvFile` wait for and when they call a lock abandoned. */
export interface EnvFileLockOptions {
  /**
   * How long to wait for another holder before failing with ENV_FILE_LOCKED. Default 60000
   * ms: a live holder renews the lock and a dead one's is broken at once, so a wait this long
   * means a busy machine or a holder that really takes its time, not an abandoned lock.
   */
  lockTimeoutMs?: number;
  /**
   * A lock whose holder has not shown a sign of life for this long is abandoned even if its
   * process still runs (a hung process, or one on another host of a shared folder). Holders
   * renew the lock file's mtime every third of this while they hold it. Default 30000 ms.
   */
  staleLockMs?: number;
  /** What the holder does, written into the lock so that a waiting run can say it. */
  purpose?: string;
  /** Called once when this call has waited `waitNoticeMs` for a live holder. */
  onWait?: (holder: LockHolder) => void;
  /** Default 1000 ms: short waits (another writer's few milliseconds) go unmentioned. */
  waitNoticeMs?: number;
}

/** The `staleLockMs` of `EnvFileLockOptions` when none is given. */
export const DEFAULT_STALE_LOCK_MS = 30_000;

import type { LockHolder } from '../errors/env-file-error';
export { describeHolder, type LockHolder } from '../errors/env-file-error';

/** The lock file's content. The random token tells one holding from every other. */
interface LockOwner {
  pid: number;
  host: string;
  created: number;
  token: string;
  purpose?: string;
}

function parseLockOwner(raw: string): Partial<LockOwner> {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {}; // where hard links are missing, the owner may be between creating and writing it
  }
}

function holderOf(lockFile: string, owner: Partial<LockOwner>): LockHolder {
  return {
    lockFile,
    pid: typeof owner.pid === 'number' ? owner.pid : undefined,
    host: typeof owner.host === 'string' ? owner.host : undefined,
    since: typeof owner.created === 'number' ? new Date(owner.created).toISOString() : undefined,
    purpose: typeof owner.purpose === 'string' ? owner.purpose.slice(0, 200) : undefined,
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks (kill(2))
    return true;
  } catch (error) {
    return fsCode(error) === 'EPERM'; // it exists but belongs to someone else
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** link(2) fails this way where the file system has no hard links (FAT, some network shares). */
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/**
 * Creates the lock with its owner record already in it, or says it exists. The record is
 * written to a scratch file first and hard-linked to the lock's name: link(2) fails with
 * EEXIST if the name exists, atomically, as an O_EXCL open does, but the lock never exists
 * empty. An empty lock names no pid, so a writer killed between creating and filling it
 * would block every other writer until the lock went stale. Where hard links are missing it
 * falls back to an O_EXCL open followed by the write.
 */
async function createLock(target: string, lockPath: string, owner: LockOwner): Promise<boolean> {
  const record = JSON.stringify(owner);
  const scratch = scratchPath(target, '.lock');
  try {
    await fs.writeFile(scratch, record, { flag: 'wx', mode: 0o600 });
    await fs.link(scratch, lockPath);
    return true;
  } catch (error) {
    if (fsCode(error) === 'EEXIST') return false;
    if (!NO_HARD_LINKS.includes(fsCode(error) ?? '')) throw error;
  } finally {
    await fs.unlink(scratch).catch(() => undefined);
  }
  return createLockExclusively(lockPath, record);
}

/** The fallback without hard links: O_EXCL open, then the record. */
async function createLockExclusively(lockPath: string, record: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx', 0o600);
  } catch (error) {
    if (fsCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(record);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(lockPath).catch(() => undefined);
    throw error;
  }
  return true;
}

/** One attempt at creating the lock as this holder; a failure other than "it exists" is fatal. */
async function tryCreateLock(
  target: string,
  lockPath: string,
  path: string,
  token: string,
  purpose: string | undefined,
): Promise<boolean> {
  try {
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      created: Date.now(),
      token,
      ...(purpose ? { purpose } : {}),
    };
    return await createLock(target, lockPath, owner);
  } catch (error) {
    throw new EnvFileError(
      'ENV_FILE_WRITE_FAILED',
      { path, lockFile: lockPath, operation: 'create-lock', reason: fsCode(error) ?? 'error' },
      { cause: error },
    );
  }
}

/** Another holder's lock as read: its raw record (judged again before breaking it) and when it was last renewed. */
interface SeenLock {
  raw: string;
  owner: Partial<LockOwner>;
  modifiedAt: number | undefined;
}

/** The lock as it is now, or `undefined` when it was released in between. */
async function readLock(lockPath: string): Promise<SeenLock | undefined> {
  let raw = '';
  let modifiedAt: number | undefined;
  try {
    modifiedAt = (await fs.stat(lockPath)).mtimeMs;
    raw = await fs.readFile(lockPath, 'utf8');
  } catch (error) {
    if (fsCode(error) === 'ENOENT') return undefined;
    // Unreadable (another user's lock): judge it by its age alone.
  }
  return { raw, owner: parseLockOwner(raw), modifiedAt };
}

/** Its holder is a process of this host that no longer runs, or it has shown no sign of life for `staleMs`. */
function isAbandoned({ owner, modifiedAt }: SeenLock, staleMs: number): boolean {
  // The mtime is the holder's last sign of life (`renewLock`); the record's own time is
  // the fallback where the lock could not be stat'ed.
  const lastSign = modifiedAt ?? (typeof owner.created === 'number' ? owner.created : Date.now());
  const age = Date.now() - lastSign;
  const ownerGone = typeof owner.pid === 'number' && owner.host === hostname() && !isRunning(owner.pid);
  return ownerGone || age > staleMs;
}

function stillLocked(
  path: string,
  lockPath: string,
  owner: Partial<LockOwner>,
  timeoutMs: number,
  purpose: string | undefined,
): EnvFileError {
  return new EnvFileError('ENV_FILE_LOCKED', {
    path,
    holder: holderOf(lockPath, owner),
    timeoutMs,
    nothingSent: purpose !== undefined,
  });
}

/**
 * Takes the lock at `lockPath` (the lock of `target`, the env file given as `path`), waiting
 * for a live holder and breaking an abandoned one's lock. Returns the token that proves this
 * holding to `renewLock` and `releaseLock`.
 */
export async function acquireLock(
  target: string,
  lockPath: string,
  path: string,
  options: EnvFileLockOptions,
): Promise<string> {
  const timeoutMs = options.lockTimeoutMs ?? 60_000;
  const staleMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const noticeMs = options.waitNoticeMs ?? 1_000;
  const token = randomBytes(12).toString('hex');
  const startedAt = Date.now();
  let noticed = false;
  for (;;) {
    if (await tryCreateLock(target, lockPath, path, token, options.purpose)) return token;
    const seen = await readLock(lockPath);
    if (seen === undefined) continue; // released in between: try again at once
    if (isAbandoned(seen, staleMs) && (await breakStaleLock(lockPath, seen.raw))) continue;
    const waited = Date.now() - startedAt;
    if (!noticed && waited >= noticeMs) {
      noticed = true;
      options.onWait?.(holderOf(lockPath, seen.owner));
    }
    if (waited >= timeoutMs) throw stillLocked(path, lockPath, seen.owner, timeoutMs, options.purpose);
    await sleep(5 + Math.random() * 15); // jitter keeps waiting writers from polling in step
  }
}

/** A holder's sign of life: the lock file's mtime moves on, its content stays. */
async function renewLock(lockPath: string, token: string): Promise<void> {
  try {
    if (parseLockOwner(await fs.readFile(lockPath, 'utf8')).token !== token) return;
    const now = new Date();
    await fs.utimes(lockPath, now, now);
  } catch {
    // Gone or unreadable: the next renewal, or the release, finds out.
  }
}

/**
 * Renews the lock every third of `staleMs`, so that a long hold (a token request waiting for
 * its answer) is never taken for abandoned. Returns the function that stops it.
 */
export function keepRenewing(lockPath: string, token: string, staleMs: number): () => void {
  const renewal = setInterval(() => void renewLock(lockPath, token), Math.max(10, staleMs / 3));
  renewal.unref();
  return () => clearInterval(renewal);
}

/**
 * Two waiters may judge the same lock stale. Renaming is atomic, so only one of them moves
 * it; whoever moved a lock that turns out to be a fresh one (a third writer took it in the
 * meantime) puts it back with link(2), which never replaces an existing lock.
 * Says whether the lock may be free now.
 *
 * The judgement was made on an earlier read, and a holder that exits right after releasing
 * looks dead: by now the lock may be another writer's, live. So the lock is read again and
 * moved only if it is still the very record judged (its random token makes it unique),
 * which leaves the rename and a put-back race only a few microseconds wide (found by the
 * 8-writer test on a loaded machine: the old window spanned a process's exit, and an update
 * was lost).
 */
async function breakStaleLock(lockPath: string, staleContent: string): Promise<boolean> {
  const current = await fs.readFile(lockPath, 'utf8').then(
    (text) => text,
    (error: unknown) => (fsCode(error) === 'ENOENT' ? null : undefined), // unreadable: judged by age alone
  );
  if (current === null) return true; // released meanwhile
  if (current !== undefined && current !== staleContent) return false; // another holder's now: wait for it
  const aside = asidePath(lockPath);
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    return fsCode(error) === 'ENOENT'; // someone else moved or released it
  }
  try {
    const moved = await fs.readFile(aside, 'utf8').catch(() => undefined);
    if (moved === staleContent) return true;
    await fs.link(aside, lockPath).catch(() => undefined);
    return false;
  } finally {
    await fs.unlink(aside).catch(() => undefined);
  }
}

/**
 * What writers killed mid-update left behind: their temp copies of the env file and lock
 * records (`scratchPath`), and locks a waiter had moved aside (`breakStaleLock`). Called
 * under the lock, where no healthy writer has a temp copy: one that exists belongs to a
 * writer that died or whose lock was broken as stale. A scratch file goes when its pid no
 * longer runs or it is older than `staleMs`; the pid alone cannot be trusted from another
 * host (a shared folder), but removing a live writer's temp copy only makes its rename fail,
 * leaving the env file as it was. An aside lock (left by a waiter killed while breaking a
 * stale lock) goes at once. Best effort: a
 * leftover that cannot be removed now is tried again by the next writer.
 */
export async function removeLeftovers(target: string, staleMs: number): Promise<void> {
  const folder = dirname(target);
  const recognise = leftoverOf(target);
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const leftover = recognise(name);
    if (leftover === undefined) continue;
    const file = join(folder, name);
    try {
      // An aside lock can go at once: we hold the lock, so the waiter that moved it aside
      // could not put it back (link(2) finds ours) and only ever deletes it.
      const tooOld = Date.now() - (await fs.lstat(file)).mtimeMs > staleMs;
      if (leftover.kind === 'aside' || tooOld || !isRunning(leftover.pid)) await fs.unlink(file);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

export async function releaseLock(lockPath: string, token: string): Promise<void> {
  try {
    // Only our own lock: if we were judged stale, the file may now be another writer's.
    if (parseLockOwner(await fs.readFile(lockPath, 'utf8')).token === token) await fs.unlink(lockPath);
  } catch {
    // Nothing left to release; a lock we could not delete is broken later as stale.
  }
}
