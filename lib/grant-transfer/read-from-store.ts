import type { Env } from '../config/env-target';
import { readEnvValues } from '../env-file/env-reader';
import { withLockedEnvFile, type LockedEnvFile } from '../env-file/env-file-store';
import type { EnvUpdates } from '../env-file/env-text-editor';
import { recoveryPathOf } from '../custody/token-recovery';
import { GrantTransferError, type GrantTransferFacts } from '../errors';
import type { GrantRecord, StoredGrant } from '../grant-store/grant-record';
import type { GrantStore } from '../grant-store/grant-store';
import { fingerprint } from '../http/redact';
import { openServerStore } from './open-server-store';

/**
 * `npm run grant -- read-from-store`: the store's grant written into the env file, for a
 * holder that cannot reach the store (a laptop offline, a tool that reads only `.env`). It
 * reads the store once, without its lease, and writes nothing there. The copy is a second
 * live place for the refresh token, so the result says how it goes stale (scripts/grant.ts
 * prints it): at the next rotation by a holder of the store, this copy stops working; a
 * rotation by a run on this copy, the store's does.
 *
 * It refuses, changing nothing, when the store's grant needs a new authorization, when the
 * env file holds another refresh token (unless `force`: it may be a grant the store lacks),
 * and when a recovery file beside it holds tokens an earlier run could not write.
 */

export type ReadOptions = {
  env: Env;
  envFile: string;
  /** Overwrite another refresh token in the env file. */
  force: boolean;
  lockTimeoutMs: number;
};

export type ReadResult = {
  /** `Redis at host:6379, grant "default"`. */
  store: string;
  version: number;
  /** The keys written into the env file. */
  written: string[];
  /** The refresh token's fingerprint, as reports show it. */
  refreshToken: string;
  /** When the access token written expires, if the store says. */
  accessTokenExpiresAt: string | null;
};

const command = 'read-from-store';

/** A grant as the store holds it, with a refresh token: one worth copying. */
type WorkingGrant = StoredGrant & { record: GrantRecord & { refreshToken: string } };

export async function readFromStore(options: ReadOptions): Promise<ReadResult> {
  const { envFile } = options;
  const { store, name } = await openServerStore(options.env, command, envFile);
  const facts: GrantTransferFacts = { command, store: name, envFile };
  try {
    return await withLockedEnvFile(
      envFile,
      { lockTimeoutMs: options.lockTimeoutMs, purpose: 'write the grant store’s grant into the env file' },
      async (file) => {
        refuseWhileRecoveryWaits(file, facts);
        const stored = await storedGrant(store, facts);
        await refuseOtherRefreshToken(file, stored, facts, options.force);
        const updates = updatesOf(stored.record);
        await file.update(updates);
        return resultOf(name, stored, updates);
      },
    );
  } finally {
    await store.close();
  }
}

/** A recovery file holds tokens an earlier run got from GoTo and could not write: they go into the env file first. */
function refuseWhileRecoveryWaits(file: LockedEnvFile, facts: GrantTransferFacts): void {
  const recoveryKeys = Object.keys(readEnvValues(recoveryPathOf(file.target)));
  if (recoveryKeys.length > 0) throw new GrantTransferError('GRANT_RECOVERY_WAITING', { ...facts, recoveryKeys });
}

/** The store's grant, read once without its lease; only one that works, with a refresh token. */
async function storedGrant(store: GrantStore, facts: GrantTransferFacts): Promise<WorkingGrant> {
  const stored = await store.read();
  if (stored?.record.state === 'needs-reauth')
    throw new GrantTransferError('GRANT_NEEDS_REAUTH', { ...facts, version: stored.version });
  const refreshToken = stored?.record.refreshToken;
  if (!stored || !refreshToken) throw new GrantTransferError('GRANT_NOT_STORED', facts);
  return { ...stored, record: { ...stored.record, refreshToken } };
}

/** Another refresh token in the env file may be a grant the store lacks: overwritten only with `force`. */
async function refuseOtherRefreshToken(
  file: LockedEnvFile,
  stored: WorkingGrant,
  facts: GrantTransferFacts,
  force: boolean,
): Promise<void> {
  const { values } = await file.read();
  const own = values.GOTO_REFRESH_TOKEN;
  if (own && own !== stored.record.refreshToken && !force)
    throw new GrantTransferError('GRANT_ENV_FILE_HOLDS_ANOTHER', { ...facts, version: stored.version });
}

function updatesOf(record: WorkingGrant['record']): EnvUpdates {
  return {
    GOTO_REFRESH_TOKEN: record.refreshToken,
    GOTO_ACCESS_TOKEN: record.accessToken,
    GOTO_ACCESS_TOKEN_EXPIRES_AT: record.accessToken ? record.accessTokenExpiresAt : null,
    // The scopes change with the grant: a value of the env file's own grant would be wrong for this one.
    GOTO_GRANTED_SCOPE: record.scopes?.trim() || null,
    // The account is not a secret and changes with the grant only: kept when the store has none.
    ...(record.principal ? { GOTO_PRINCIPAL: record.principal } : {}),
    ...(record.organizerKey ? { GOTO_ORGANIZER_KEY: record.organizerKey } : {}),
  };
}

function resultOf(name: string, stored: WorkingGrant, updates: EnvUpdates): ReadResult {
  const { record } = stored;
  return {
    store: name,
    version: stored.version,
    written: Object.entries(updates)
      .filter(([, value]) => value !== null)
      .map(([key]) => key),
    refreshToken: fingerprint(record.refreshToken),
    accessTokenExpiresAt: record.accessToken ? record.accessTokenExpiresAt : null,
  };
}
