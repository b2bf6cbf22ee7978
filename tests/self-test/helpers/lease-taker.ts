/**
 * A holder in a process of its own, for the grant store's lease test. Run its bundle
 * (lib/script-bundle.ts) as `node <bundle> '{"grant":…,"owner":…,"ttlMs":…}'` with the store
 * in its environment (GOTO_GRANT_STORE, or GOTO_ENV_FILE for the env file).
 *
 * It opens the store and reads the grant once (so its connection is up), prints "ready",
 * and tries to take the lease only when a byte arrives on stdin: the test starts every
 * taker at the same moment. It prints the outcome as JSON, or `{"error": code}`.
 */
import { openGrantStore } from '../../../lib/grant-store/open-grant-store';

type Job = { grant: string; owner: string; ttlMs: number };

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const store = await openGrantStore(process.env, { grant: job.grant });
  await store.read();
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  try {
    process.stdout.write(JSON.stringify(await store.acquireLease(job.owner, job.ttlMs)));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: (error as { code?: unknown }).code ?? 'unknown' }));
  process.exitCode = 1;
});
