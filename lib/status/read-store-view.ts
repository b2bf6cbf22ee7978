import type { Env } from '../config/env-target';
import { openGrantStore, storeKey } from '../grant-store/open-grant-store';
import type { StoreView } from './grant-in-store';

/**
 * Reads the grant store GOTO_GRANT_STORE names, once: no lease is taken and nothing is
 * written, so status can run beside any holder, at any time. A store that does not answer
 * throws its GrantStoreError, which names it by kind and `host:port`, never by its URL.
 */
export async function readStoreView(env: Env, fileValues: Record<string, string>): Promise<StoreView> {
  const store = await openGrantStore(env);
  try {
    const stored = await store.read();
    const otherCopy = fileValues.GOTO_REFRESH_TOKEN ? 'env file' : env.GOTO_REFRESH_TOKEN ? 'environment' : undefined;
    return {
      kind: store.kind,
      address: store.address,
      grant: store.grant,
      keyId: store.encrypted ? storeKey(env)?.id : undefined,
      stored,
      otherCopy,
    };
  } finally {
    await store.close();
  }
}
