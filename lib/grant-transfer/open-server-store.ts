import { grantStoreSelected, type Env } from '../config/env-target';
import { GrantTransferError } from '../errors';
import type { GrantStore } from '../grant-store/grant-store';
import { openGrantStore } from '../grant-store/open-grant-store';

/** A grant store on a server, and how messages name it (`Redis at host:6379, grant "default"`). */
export type ServerStore = { store: GrantStore; name: string };

const kindNames = { redis: 'Redis', postgres: 'PostgreSQL', 'env-file': 'env file' } as const;

/**
 * The Redis or PostgreSQL store GOTO_GRANT_STORE names (in the environment, as the collection
 * reads it: lib/config/env-target.ts), for moving a grant in or reading it back. Without it
 * there is nothing to move to: the env file is already where the grant is kept.
 */
export async function openServerStore(env: Env, command: string, envFile: string): Promise<ServerStore> {
  if (!grantStoreSelected(env)) throw new GrantTransferError('GRANT_STORE_NOT_SET', { command, envFile });
  const store = await openGrantStore(env);
  return { store, name: `${kindNames[store.kind]} at ${store.address}, grant "${store.grant}"` };
}
