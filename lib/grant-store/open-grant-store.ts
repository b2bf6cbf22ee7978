/**
 * The grant store GOTO_GRANT_STORE names, with GOTO_GRANT_STORE_KEY's key: the one entry
 * point every holder uses. A backend's client is loaded only when it is the one chosen, so
 * a holder on the env file never loads a Redis or PostgreSQL client.
 */
import { envFilePath, type Env } from '../config/env-target';
import { duration } from '../config/setting-schemas';
import { variableProblem } from '../config/variables';
import { ConfigError, GrantStoreError } from '../errors';
import { SealedGrantStore, type GrantStore } from './grant-store';
import { parseStoreKey, type StoreKey } from './record-cipher';
import type { StoreDriver } from './store-driver';
import { defaultStoreTimeouts, type StoreTimeouts } from './store-failure';
import { storeLocation } from './store-location';

export type OpenOptions = {
  /**
   * The grant's name in the store: one store can hold several grants (two OAuth clients, a
   * staging and a production account). Default GOTO_GRANT_NAME, else `default`.
   */
  grant?: string;
  timeouts?: Partial<StoreTimeouts>;
};

export const defaultGrantName = 'default';

export function openGrantStore(env: Env, options: OpenOptions = {}): Promise<GrantStore> {
  return Promise.resolve().then(() => open(env, options));
}

function open(env: Env, options: OpenOptions): GrantStore {
  const location = storeLocation(env);
  const grant = options.grant ?? (env.GOTO_GRANT_NAME?.trim() || defaultGrantName);
  if (!/^[\w.:-]{1,100}$/.test(grant))
    throw new ConfigError(
      [
        'GOTO_GRANT_NAME must be 1 to 100 letters, digits, `_`, `.`, `:` or `-` ' +
          "(the grant's name in the store; default `default`)",
      ],
      envFilePath(env),
    );
  // Only a server has a connection and operations to bound: the env file's driver waits on its
  // lock by its own rule, so there GOTO_GRANT_STORE_TIMEOUT is not read, and a bad one stops nothing.
  const timeouts = () => ({ ...defaultStoreTimeouts, ...timeoutsFromEnv(env), ...options.timeouts });
  let driver: StoreDriver;
  if (location.kind === 'redis') driver = new (redisDriver().RedisDriver)(location, grant, timeouts());
  else if (location.kind === 'postgres') driver = new (postgresDriver().PostgresDriver)(location, grant, timeouts());
  else driver = new (envFileDriver().EnvFileDriver)(location.address);
  // The env file is this machine's own file (mode 0600): its tokens stay as the collection has always written them.
  return new SealedGrantStore(driver, grant, location.kind === 'env-file' ? undefined : storeKey(env));
}

// Loaded when first needed, not at the top: a holder loads only its own backend's client.
// `require`, not `import()`: Playwright's loader and ts-node compile these files to CommonJS,
// and esbuild keeps a `require` in a function lazy in a bundle.
/* eslint-disable @typescript-eslint/no-require-imports -- on purpose, see above */
const redisDriver = () => require('./redis-driver') as typeof import('./redis-driver');
const postgresDriver = () => require('./postgres-driver') as typeof import('./postgres-driver');
const envFileDriver = () => require('./env-file-driver') as typeof import('./env-file-driver');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Loads the client of the store GOTO_GRANT_STORE names, connecting nowhere: for a process that
 * starts before it is asked for a token (the custodian), so the client's modules (tens of
 * milliseconds for `@redis/client`) load while it waits, not while a token request waits.
 * A GOTO_GRANT_STORE it cannot read is left for the token request to report.
 */
export function preloadStoreClient(env: Env): void {
  try {
    const { kind } = storeLocation(env);
    if (kind === 'redis') redisDriver();
    else if (kind === 'postgres') postgresDriver();
  } catch {
    // Reported, with its advice, where it is used.
  }
}

/** GOTO_GRANT_STORE_KEY as a key, none when unset; a key that cannot be used stops everything. */
export function storeKey(env: Env): StoreKey | undefined {
  const parsed = parseStoreKey(env.GOTO_GRANT_STORE_KEY);
  if (parsed && 'problem' in parsed)
    throw new GrantStoreError('GRANT_STORE_KEY_INVALID', {
      operation: 'read GOTO_GRANT_STORE_KEY',
      reason: parsed.problem,
    });
  return parsed;
}

/**
 * GOTO_GRANT_STORE_TIMEOUT: the bound on connecting and on each operation, for a store that is
 * slow to answer by nature (a serverless database waking up, one far away); unset, 5 s each.
 */
function timeoutsFromEnv(env: Env): Partial<StoreTimeouts> {
  const raw = env.GOTO_GRANT_STORE_TIMEOUT?.trim();
  if (!raw) return {};
  const parsed = duration.refine((ms) => ms > 0, { error: 'must be more than 0' }).safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      [variableProblem('GOTO_GRANT_STORE_TIMEOUT', parsed.error.issues[0]?.message ?? 'is not a duration')],
      envFilePath(env),
    );
  return { connectMs: parsed.data, commandMs: parsed.data };
}
