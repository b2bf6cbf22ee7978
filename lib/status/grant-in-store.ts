import type { Settings } from '../config/goto-settings';
import type { GrantStoreKind } from '../errors';
import type { StoredGrant } from '../grant-store/grant-record';

/**
 * What `npm run status` read from the grant store GOTO_GRANT_STORE names: one read, no lease,
 * no write (lib/grant-store/grant-store.ts). The record's tokens take the place of the env
 * file's, since every holder of the store uses them; the store's own facts (its version,
 * state, who wrote it last) get a section of their own (status-layout.ts).
 */
export type StoreView = {
  kind: GrantStoreKind;
  /** `host:port`: never the URL, which holds a password. */
  address: string;
  /** The grant's name in the store (GOTO_GRANT_NAME, default `default`). */
  grant: string;
  /** The id of GOTO_GRANT_STORE_KEY when tokens are sealed with it (never the key); none when kept in clear. */
  keyId: string | undefined;
  /** The record and its version; none when the store holds no grant of this name. */
  stored: StoredGrant | undefined;
  /**
   * Where a refresh token of its own is set beside the store, if anywhere: a second copy,
   * which stops working when a holder of the store has GoTo rotate it.
   */
  otherCopy: 'env file' | 'environment' | undefined;
};

/** The settings with the record's tokens, scopes and account in place of the env file's. */
export function settingsWithStoredGrant(settings: Settings, stored: StoredGrant | undefined): Settings {
  const record = stored?.record;
  return {
    ...settings,
    accessToken: record?.accessToken ?? undefined,
    accessTokenExpiresAt: record?.accessTokenExpiresAt ?? undefined,
    // The env file's GOTO_GRANTED_SCOPE is of its own tokens, not the store's.
    grantedScope: record?.scopes?.trim() || undefined,
    refreshToken: record?.refreshToken ?? undefined,
    principal: record?.principal ?? undefined,
    organizerKey: record?.organizerKey ?? undefined,
  };
}

const kindNames: Record<GrantStoreKind, string> = { redis: 'Redis', postgres: 'PostgreSQL', 'env-file': 'env file' };

/** `Redis at cache.example.com:6379, grant "default"`: how status names the store. */
export function storeName(store: Pick<StoreView, 'kind' | 'address' | 'grant'>): string {
  return `${kindNames[store.kind]} at ${store.address}, grant "${store.grant}"`;
}
