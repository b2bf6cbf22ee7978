/**
 * A writer in a process of its own, for the env-file self-tests. Run its bundle
 * (lib/script-bundle.ts) as `node <bundle> '<job as JSON>'`, or this file with ts-node.
 *
 * It loads the env-file module, prints "ready", and starts only when a byte arrives on
 * stdin: loading takes a while on a busy machine, so a test starts writers once they are
 * loaded, several at the same moment or one at a moment it chose.
 * - `{ "mode": "tokens", "path": … }` writes GOTO_ACCESS_TOKEN=a-<n> and GOTO_REFRESH_TOKEN=r-<n>
 *   in one update, n counting on from the file's, until it is killed. Its locks go stale only
 *   after an hour, so it gets past a killed writer's lock by seeing that its pid is gone.
 * - `{ "mode": "keys", "path": …, "updates": [[key, value], …] }` writes each pair as an
 *   update of its own, then prints "ok".
 * - `{ "mode": "die-once-locked", "path": … }` starts one update and SIGKILLs itself the
 *   instant the lock file exists, the narrowest moment a random kill could hit.
 * A failure prints `{ "code": … }` (never a value) and exits with status 1.
 */
import { realpathSync } from 'node:fs';
import { updateEnvFile } from '../../../lib/env-file/env-file-store';
import { readEnvValues } from '../../../lib/env-file/env-reader';

type Job =
  | { mode: 'tokens'; path: string }
  | { mode: 'keys'; path: string; updates: [string, string][] }
  | { mode: 'die-once-locked'; path: string };

/**
 * The module reads `fs.link` and `fs.open` off node:fs/promises at each call, so wrapping
 * them here catches the call that creates the lock, whichever of the two does it.
 */
function dieOnceLocked(lockPath: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to patch what the store calls
  const fsPromises = require('node:fs/promises') as Record<'link' | 'open', (...args: unknown[]) => Promise<unknown>>;
  for (const [name, pathArgument] of [
    ['link', 1],
    ['open', 0],
  ] as const) {
    const original = fsPromises[name];
    fsPromises[name] = async (...args: unknown[]) => {
      const result = await original(...args);
      if (args[pathArgument] === lockPath) process.kill(process.pid, 'SIGKILL');
      return result;
    };
  }
}

async function run(job: Job): Promise<void> {
  if (job.mode === 'die-once-locked') {
    dieOnceLocked(`${realpathSync(job.path)}.lock`); // where updateEnvFile puts it
    await updateEnvFile(job.path, { GOTO_ACCESS_TOKEN: 'never-written' });
    process.stdout.write('still alive');
    return;
  }
  if (job.mode === 'keys') {
    for (const [key, value] of job.updates) await updateEnvFile(job.path, { [key]: value });
    process.stdout.write('ok');
    return;
  }
  // Only one tokens writer runs at a time, so the file's n is the last one written.
  let n = Number(/^a-(\d+)$/.exec(readEnvValues(job.path).GOTO_ACCESS_TOKEN ?? '')?.[1] ?? 0);
  for (;;) {
    n += 1;
    // A stale period longer than any test: a killed writer's lock is passed only because its pid is gone.
    await updateEnvFile(
      job.path,
      { GOTO_ACCESS_TOKEN: `a-${n}`, GOTO_REFRESH_TOKEN: `r-${n}` },
      { staleLockMs: 60 * 60_000, lockTimeoutMs: 60 * 60_000 },
    );
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  process.stdin.pause();
  run(job).catch((error: unknown) => {
    process.stdout.write(JSON.stringify({ code: (error as { code?: unknown }).code ?? 'unknown' }));
    process.exitCode = 1;
  });
});
