/**
 * The grant store's servers as the tests use them: each worker shares one Redis, one
 * PostgreSQL and one PgBouncer between its tests (started on first use, left to the watchdog
 * when the worker ends); a test that needs a server of its own (to stop it, or to start
 * clean) starts one with `startRedis`, `startPostgres` or `startPgBouncer`.
 * The servers themselves are servers/store-servers.ts's, which the benchmark starts too.
 *
 * GOTO_TEST_REDIS_URL and GOTO_TEST_POSTGRES_URL point the tests at servers of your own
 * instead (their data is left alone but for the tests' own grants, each under a random name).
 */
import { randomBytes } from 'node:crypto';
import { startPgBouncer, startPostgres, startRedis } from '../../../servers/store-servers';

export {
  startPgBouncer,
  startPostgres,
  startRedis,
  testServerPassword,
  type TestServer,
} from '../../../servers/store-servers';

let workerBouncer: Promise<string> | undefined;

/** The worker's PgBouncer in front of its PostgreSQL (started once, on first use). */
export function sharedPgBouncerUrl(): Promise<string> {
  workerBouncer ??= sharedPostgresUrl().then(async (url) => (await startPgBouncer(url, { keep: true })).url);
  return workerBouncer;
}

let workerRedis: Promise<string> | undefined;
let workerPostgres: Promise<string> | undefined;

/** The worker's Redis (started once, on first use), or GOTO_TEST_REDIS_URL's. */
export function sharedRedisUrl(): Promise<string> {
  const own = process.env.GOTO_TEST_REDIS_URL;
  if (own) return Promise.resolve(own);
  workerRedis ??= startRedis({ keep: true }).then((server) => server.url);
  return workerRedis;
}

/** The worker's PostgreSQL (started once, on first use), or GOTO_TEST_POSTGRES_URL's. */
export function sharedPostgresUrl(): Promise<string> {
  const own = process.env.GOTO_TEST_POSTGRES_URL;
  if (own) return Promise.resolve(own);
  workerPostgres ??= startPostgres({ keep: true }).then((server) => server.url);
  return workerPostgres;
}

/**
 * The variables that choose a server that answers as the store: its URL, with a
 * GOTO_GRANT_STORE_TIMEOUT for a loaded machine, where a process starting up can take longer
 * than the default 5 s to connect and get its answer. Tests of a store that hangs start their
 * own server and keep the default, or give bounds of their own.
 */
export function answeringStoreEnv(url: string): { GOTO_GRANT_STORE: string; GOTO_GRANT_STORE_TIMEOUT: string } {
  return { GOTO_GRANT_STORE: url, GOTO_GRANT_STORE_TIMEOUT: '30s' };
}

/** A name no other test uses, for a grant in a shared server. */
export function uniqueGrant(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}
