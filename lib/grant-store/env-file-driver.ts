/**
 * The grant store over the env file, for a holder without GOTO_GRANT_STORE: the tokens stay
 * in the env file's keys as the collection has always written them (GOTO_REFRESH_TOKEN, …,
 * and the scopes in GOTO_GRANTED_SCOPE), under its lock and through its atomic write
 * (lib/env-file/env-file-store.ts); what the file has no key for (the version, the state, who
 * wrote it, the lease) goes in a small JSON file beside it, `<env file>.grant` (mode 0600, no
 * token: a fingerprint of them). The side file keeps the scopes too, as it did before the env
 * file had a key for them; the env file's value comes first.
 *
 * The env file can change without this store (today's custody, a person pasting a token), so
 * the version is checked against the tokens it was written with: when the file's tokens are
 * not the ones the side file fingerprinted, someone else wrote a newer grant, and the version
 * read is one more. The same rule makes a write killed between the two files safe: the env
 * file holds the new tokens, and they read as the version that was being written.
 */
import { readFile, stat } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { writeAtomically } from '../env-file/atomic-write';
import { withLockedEnvFile } from '../env-file/env-file-store';
import { fsCode, readEnvFile } from '../env-file/env-reader';
import type { EnvUpdates } from '../env-file/env-text-editor';
import { GrantStoreError, isGotoRunnerError } from '../errors';
import { fingerprint } from '../http/redact';
import type { CommitOutcome, LeaseOutcome, StoreDriver, StoredFields, StoredRow } from './store-driver';

/** The record's fields the env file has keys for, and those keys. */
const envKeys = {
  refreshToken: 'GOTO_REFRESH_TOKEN',
  accessToken: 'GOTO_ACCESS_TOKEN',
  accessTokenExpiresAt: 'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  principal: 'GOTO_PRINCIPAL',
  organizerKey: 'GOTO_ORGANIZER_KEY',
  // What `npm run status` reads the grant's scopes from (lib/status/grant-scopes.ts).
  scopes: 'GOTO_GRANTED_SCOPE',
} as const;

/** The side file: what the env file has no key for. Never a token. */
type SideRecord = {
  version: number;
  /** Fingerprint of the env file's tokens as this version wrote them. */
  tokens: string;
  state: string;
  scopes: string | null;
  writtenBy: string;
  writtenAt: string;
  lease?: { owner: string; expiresAt: number };
};

/** Who `writtenBy` names when the env file was written outside the grant store. */
export const outsideTheStore = 'outside the grant store';

const LOCK_TIMEOUT_MS = 30_000;

export function sideFilePath(target: string): string {
  return `${target}.grant`;
}

function tokensFingerprint(values: Record<string, string>): string {
  return fingerprint(`${values.GOTO_REFRESH_TOKEN ?? ''}\n${values.GOTO_ACCESS_TOKEN ?? ''}`);
}

export class EnvFileDriver implements StoreDriver {
  readonly kind = 'env-file' as const;
  readonly address: string;

  constructor(path: string) {
    this.address = path;
  }

  async read(): Promise<StoredRow | undefined> {
    const target = await fs.realpath(this.address).catch(() => this.address);
    return this.#guard('read the grant', async () =>
      rowOf(await this.#envValues(target), await readSide(target), await modifiedAt(target)),
    );
  }

  acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return this.#locked('take the lease', async (target) => {
      const side = await readSide(target);
      const lease = side?.lease;
      if (lease && lease.expiresAt > Date.now())
        return { acquired: false, holder: lease.owner, expiresInMs: lease.expiresAt - Date.now() };
      await writeSide(target, { ...(side ?? emptySide()), lease: { owner, expiresAt: Date.now() + ttlMs } });
      return { acquired: true };
    });
  }

  renewLease(owner: string, ttlMs: number): Promise<boolean> {
    return this.#locked('renew the lease', async (target) => {
      const side = await readSide(target);
      if (!side || !holds(side, owner)) return false;
      await writeSide(target, { ...side, lease: { owner, expiresAt: Date.now() + ttlMs } });
      return true;
    });
  }

  releaseLease(owner: string): Promise<boolean> {
    return this.#locked('release the lease', async (target) => {
      const side = await readSide(target);
      if (!side || !holds(side, owner)) return false;
      const { lease: _released, ...rest } = side;
      await writeSide(target, rest);
      return true;
    });
  }

  write(expectedVersion: number, fields: StoredFields, leaseOwner: string | undefined): Promise<CommitOutcome> {
    return this.#locked(`commit version ${expectedVersion + 1}`, async (target, update) => {
      const side = await readSide(target);
      const current = rowOf(await this.#envValues(target), side, await modifiedAt(target))?.version ?? 0;
      if (leaseOwner !== undefined && !(side && holds(side, leaseOwner)))
        return { committed: false, reason: 'lease-not-held', version: current };
      if (current !== expectedVersion) return { committed: false, reason: 'version-changed', version: current };
      const updates: EnvUpdates = {};
      for (const [field, key] of Object.entries(envKeys)) updates[key] = fields[field as keyof typeof envKeys];
      // The env file first: killed before the side file, the new tokens still read as this version.
      await update(updates);
      const written: Record<string, string> = {};
      if (fields.refreshToken !== null) written.GOTO_REFRESH_TOKEN = fields.refreshToken;
      if (fields.accessToken !== null) written.GOTO_ACCESS_TOKEN = fields.accessToken;
      await writeSide(target, {
        ...(side?.lease ? { lease: side.lease } : {}),
        version: expectedVersion + 1,
        tokens: tokensFingerprint(written),
        state: fields.state ?? 'ok',
        scopes: fields.scopes,
        writtenBy: fields.writtenBy ?? outsideTheStore,
        writtenAt: fields.writtenAt ?? new Date().toISOString(),
      });
      return { committed: true, version: expectedVersion + 1 };
    });
  }

  async close(): Promise<void> {
    // Nothing held between operations.
  }

  async #envValues(target: string): Promise<Record<string, string>> {
    return (await readEnvFile(target)).values;
  }

  /** A short critical section under the env file's own lock, the one today's custody takes. */
  #locked<T>(operation: string, work: (target: string, update: (updates: EnvUpdates) => Promise<void>) => Promise<T>) {
    return this.#guard(operation, () =>
      withLockedEnvFile(
        this.address,
        { lockTimeoutMs: LOCK_TIMEOUT_MS, purpose: `grant store: ${operation}` },
        (file) => work(file.target, (updates) => file.update(updates)),
      ),
    );
  }

  async #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isGotoRunnerError(error, 'GrantStoreError')) throw error;
      const facts = { store: 'env-file' as const, address: this.address, operation };
      if (isGotoRunnerError(error, 'EnvFileError') && error.code === 'ENV_FILE_LOCKED')
        throw new GrantStoreError(
          'GRANT_STORE_TIMEOUT',
          { ...facts, reason: 'locked', timeoutMs: LOCK_TIMEOUT_MS, lockHolder: error.holder },
          { cause: error },
        );
      const reason = isGotoRunnerError(error, 'EnvFileError')
        ? (error.reason ?? error.code)
        : (fsCode(error) ?? 'error');
      throw new GrantStoreError('GRANT_STORE_REFUSED', { ...facts, reason }, { cause: error });
    }
  }
}

function holds(side: SideRecord, owner: string): boolean {
  return side.lease?.owner === owner && side.lease.expiresAt > Date.now();
}

function emptySide(): SideRecord {
  return {
    version: 0,
    tokens: '',
    state: 'ok',
    scopes: null,
    writtenBy: outsideTheStore,
    writtenAt: new Date(0).toISOString(),
  };
}

async function readSide(target: string): Promise<SideRecord | undefined> {
  let text: string;
  try {
    text = await readFile(sideFilePath(target), 'utf8');
  } catch (error) {
    if (fsCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as SideRecord;
  } catch {
    throw new GrantStoreError('GRANT_STORE_RECORD_INVALID', {
      store: 'env-file',
      address: sideFilePath(target),
      operation: 'read the grant',
      reason: 'the side file is not JSON',
    });
  }
}

function writeSide(target: string, side: SideRecord): Promise<void> {
  return writeAtomically(sideFilePath(target), Buffer.from(`${JSON.stringify(side, null, 2)}\n`, 'utf8'), undefined);
}

/**
 * The grant as the two files hold it. Without a side file (or before any commit), tokens in
 * the env file are version 1, written outside the store; tokens other than the side file's
 * are one version past it.
 */
function rowOf(
  values: Record<string, string>,
  side: SideRecord | undefined,
  modifiedAt: string,
): StoredRow | undefined {
  const hasGrant = values.GOTO_REFRESH_TOKEN !== undefined || values.GOTO_ACCESS_TOKEN !== undefined;
  const sideVersion = side?.version ?? 0;
  const fromEnv = Object.fromEntries(
    Object.entries(envKeys).map(([field, key]) => [field, values[key] || null]),
  ) as Pick<StoredFields, keyof typeof envKeys>;
  if (sideVersion > 0 && side && side.tokens === tokensFingerprint(values)) {
    return {
      version: sideVersion,
      fields: {
        ...fromEnv,
        state: side.state,
        scopes: fromEnv.scopes ?? side.scopes,
        writtenBy: side.writtenBy,
        writtenAt: side.writtenAt,
      },
    };
  }
  if (sideVersion === 0 && !hasGrant) return undefined;
  return {
    version: sideVersion + 1,
    fields: {
      ...fromEnv,
      state: 'ok',
      // An outside writer (the collection's custody) writes GOTO_GRANTED_SCOPE with the tokens it got.
      scopes: fromEnv.scopes ?? side?.scopes ?? null,
      writtenBy: outsideTheStore,
      writtenAt: modifiedAt,
    },
  };
}

/** When the env file last changed: when an outside writer wrote it. */
async function modifiedAt(target: string): Promise<string> {
  return stat(target).then(
    (stats) => stats.mtime.toISOString(),
    () => new Date(0).toISOString(),
  );
}
