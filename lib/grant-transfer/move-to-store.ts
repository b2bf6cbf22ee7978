import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../config/env-target';
import { readEnvValues } from '../env-file/env-reader';
import { withLockedEnvFile, type LockedEnvFile } from '../env-file/env-file-store';
import { applyEnvUpdates, type EnvUpdates } from '../env-file/env-text-editor';
import { recoveryPathOf } from '../custody/token-recovery';
import { GrantTransferError, type GrantTransferFacts } from '../errors';
import { fingerprint } from '../http/redact';
import { holderId, type GrantRecord, type GrantState, type StoredGrant } from '../grant-store/grant-record';
import type { GrantStore } from '../grant-store/grant-store';
import { grantFromEnvValues, grantTokenKeys, issuedAt } from './env-grant';
import { openServerStore } from './open-server-store';

/**
 * `npm run grant -- move-to-store`: the grant in the env file becomes the store's next
 * version, once, and leaves the env file. A refresh token in two live places is what the
 * store is there to end: whichever copy GoTo rotates, the other stops working.
 *
 * Under the env file's lock (so no run of the collection refreshes from it meanwhile) and the
 * store's lease (so no holder of the store is in the middle of a refresh), it reads the store
 * and writes over the version read (compare-and-swap). It refuses, changing nothing, when the
 * store holds another live grant that is not known to be older than the env file's (unless
 * `force`), and when a recovery file holds tokens the env file may lack. Then it removes the
 * tokens from the env file (atomically, every other line kept); should that fail, the grant is
 * in the store all the same and the result says which keys are left.
 */

export type MoveOptions = {
  /** The environment: GOTO_GRANT_STORE, GOTO_GRANT_STORE_KEY, GOTO_GRANT_NAME. */
  env: Env;
  envFile: string;
  /** Replace a live grant in the store even when it is not known to be older. */
  force: boolean;
  lockTimeoutMs: number;
  /** Called once when another holder has the store's lease and the move waits for it. */
  onWait?: (holder: string | undefined) => void;
};

export type MoveResult = {
  /** `Redis at host:6379, grant "default"`. */
  store: string;
  encrypted: boolean;
  /** `moved`: written as `version`; `already-there`: the store holds this very refresh token as `version`. */
  outcome: 'moved' | 'already-there';
  version: number;
  /** The store's grant this one replaced, if there was one. */
  replaced: { version: number; state: GrantState } | undefined;
  /** The refresh token's fingerprint, as reports show it. */
  refreshToken: string;
  /** The keys removed from the env file. */
  removed: string[];
  /** When the env file could not be changed: the keys still in it, and why (a code). */
  left: { keys: string[]; reason: string } | undefined;
};

const command = 'move-to-store';
/** Longer than a read and a write can take (5 s each at most, lib/grant-store/store-failure.ts). */
const LEASE_MS = 30_000;
/** How long to wait for another holder's lease: a holder keeps it only for its token request. */
const LEASE_WAIT_MS = 60_000;

export async function moveToStore(options: MoveOptions): Promise<MoveResult> {
  const { envFile } = options;
  const { store, name } = await openServerStore(options.env, command, envFile);
  const facts: GrantTransferFacts = { command, store: name, envFile };
  try {
    return await withLockedEnvFile(
      envFile,
      { lockTimeoutMs: options.lockTimeoutMs, purpose: 'move the grant to the grant store' },
      async (file) => {
        const { grant, present } = await grantToMove(file, facts);
        const removals: EnvUpdates = Object.fromEntries(grantTokenKeys.map((key) => [key, null]));
        // Checked before the store is touched: a file the editor cannot change safely stops the move.
        applyEnvUpdates((await file.read()).text, removals, envFile);
        const written = await withLease(store, facts, options.onWait, (owner) =>
          commitOnce(store, grant, owner, options.force, facts),
        );
        const left = await file.update(removals).then(
          () => undefined,
          (error: unknown) => ({ keys: present, reason: (error as { code?: string }).code ?? 'error' }),
        );
        return {
          store: name,
          encrypted: store.encrypted,
          outcome: written.outcome,
          version: written.version,
          replaced: written.replaced,
          refreshToken: fingerprint(grant.refreshToken ?? ''),
          removed: left ? [] : present,
          left,
        };
      },
    );
  } finally {
    await store.close();
  }
}

/** The env file's grant, refusing when there is none or a recovery file holds newer tokens. */
async function grantToMove(
  file: LockedEnvFile,
  facts: GrantTransferFacts,
): Promise<{ grant: Omit<GrantRecord, 'state'>; present: string[] }> {
  const { values } = await file.read();
  const recoveryKeys = Object.keys(readEnvValues(recoveryPathOf(file.target)));
  if (recoveryKeys.length > 0) throw new GrantTransferError('GRANT_RECOVERY_WAITING', { ...facts, recoveryKeys });
  const grant = grantFromEnvValues(values, facts.envFile, {
    writtenBy: holderId(command),
    writtenAt: new Date().toISOString(),
  });
  if (!grant) throw new GrantTransferError('GRANT_NOTHING_TO_MOVE', facts);
  return { grant, present: grantTokenKeys.filter((key) => key in values) };
}

type Written = Pick<MoveResult, 'outcome' | 'version' | 'replaced'>;

/** Reads the store, decides, and writes over the version read. */
async function commitOnce(
  store: GrantStore,
  record: Omit<GrantRecord, 'state'>,
  leaseOwner: string,
  force: boolean,
  facts: GrantTransferFacts,
): Promise<Written> {
  const current = await store.read();
  if (current?.record.refreshToken === record.refreshToken)
    return { outcome: 'already-there', version: current.version, replaced: undefined };
  if (current && !force) refuseOverLiveGrant(current, record, facts);
  const outcome = await store.initialize(current?.version ?? 0, record, { leaseOwner });
  if (!outcome.committed)
    throw new GrantTransferError('GRANT_STORE_CHANGED', {
      ...facts,
      ...(outcome.version ? { version: outcome.version } : {}),
    });
  const replaced = current ? { version: current.version, state: current.record.state } : undefined;
  return { outcome: 'moved', version: outcome.version, replaced };
}

/**
 * A live grant in the store (state ok, with a refresh token) is replaced only when the env
 * file's refresh token was issued after it (their `iat` claims), or with `force`: an older
 * or unknown one may be a copy the store's holders have long rotated past.
 */
function refuseOverLiveGrant(
  current: StoredGrant,
  record: Omit<GrantRecord, 'state'>,
  facts: GrantTransferFacts,
): void {
  if (current.record.state !== 'ok' || !current.record.refreshToken) return;
  const stored = issuedAt(current.record.refreshToken);
  const moving = issuedAt(record.refreshToken);
  if (stored && moving && moving.getTime() > stored.getTime()) return;
  throw new GrantTransferError('GRANT_STORE_HOLDS_ANOTHER', {
    ...facts,
    version: current.version,
    ...(stored ? { storeIssuedAt: stored.toISOString() } : {}),
    ...(moving ? { envIssuedAt: moving.toISOString() } : {}),
  });
}

/** Runs `work` holding the store's lease, waiting a while for another holder's to end; releases only its own. */
async function withLease<T>(
  store: GrantStore,
  facts: GrantTransferFacts,
  onWait: MoveOptions['onWait'],
  work: (owner: string) => Promise<T>,
): Promise<T> {
  const owner = holderId(command);
  const giveUpAt = Date.now() + LEASE_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    const lease = await store.acquireLease(owner, LEASE_MS);
    if (lease.acquired) break;
    if (attempt === 0) onWait?.(lease.holder);
    if (Date.now() >= giveUpAt)
      throw new GrantTransferError('GRANT_LEASE_BUSY', { ...facts, ...(lease.holder ? { holder: lease.holder } : {}) });
    await sleep(Math.min(lease.expiresInMs ?? 250, 250));
  }
  try {
    return await work(owner);
  } finally {
    await store.releaseLease(owner).catch(() => undefined);
  }
}
