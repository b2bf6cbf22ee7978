/**
 * The names of the files a writer makes beside an env file on the way: the temp copy of the
 * env file, of the grant store's side file (`<env file>.grant`, lib/grant-store/env-file-driver.ts)
 * and the lock's owner record (`scratchPath`), a lock moved aside while it is judged
 * stale (`asidePath`), and how a later writer tells them apart from anything else in the
 * folder (`leftoverOf`), so that what a killed writer left behind can be cleaned up.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Where a writer prepares its files before they take their place: the env file's temp copy
 * and the lock's owner record. Same folder (rename(2) and link(2) work within one file
 * system), a name short enough for any file system, and the writer's pid in it so that a
 * later writer can tell a dead writer's leftover from a live one's (`removeLeftovers` in
 * env-file-lock.ts).
 */
export function scratchPath(target: string, suffix: '' | '.lock'): string {
  const name = `${basename(target).slice(0, 100)}${suffix}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  return join(dirname(target), name);
}

/** Where a waiter moves a lock it judged stale (`breakStaleLock` in env-file-lock.ts). */
export function asidePath(lockPath: string): string {
  return `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A leftover in the target's folder: a scratch file names its writer's pid, an aside lock none. */
export type Leftover = { kind: 'scratch'; pid: number } | { kind: 'aside' };

/** Recognises the target's leftovers among the names in its folder; anything else is `undefined`. */
export function leftoverOf(target: string): (name: string) => Leftover | undefined {
  const scratch = new RegExp(
    `^${escapeRegExp(basename(target).slice(0, 100))}(?:\\.lock|\\.grant)?\\.(\\d+)-[0-9a-f]{12}\\.tmp$`,
  );
  const aside = new RegExp(`^${escapeRegExp(basename(target))}\\.lock\\.[0-9a-f]{12}\\.stale$`);
  return (name) => {
    const pid = scratch.exec(name)?.[1];
    if (pid !== undefined) return { kind: 'scratch', pid: Number(pid) };
    return aside.test(name) ? { kind: 'aside' } : undefined;
  };
}
