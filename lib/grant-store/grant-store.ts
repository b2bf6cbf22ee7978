/**
 * The grant store: one grant's record and lease in Redis, PostgreSQL or the env file, with
 * the operations the token protocol needs (read, take / renew / release the lease, commit
 * over the version read, mark `needs-reauth`, start a new grant), the same for every
 * backend. Tokens are sealed on the way in and opened on the way out when the store has a
 * key (record-cipher.ts); a record that does not open is refused, and since every write is
 * a compare-and-swap over a version only a successful read gives, it is never overwritten.
 *
 * Nothing here imports Playwright; nothing here prints or throws a token, a key or a password.
 */
import * as z from 'zod';
import { describeStore, GrantStoreError, type GrantStoreKind } from '../errors';
import { grantStates, recordFields, tokenFields, type GrantRecord, type StoredGrant } from './grant-record';
import { isSealed, seal, unseal, type StoreKey } from './record-cipher';
import type { CommitOutcome, LeaseOutcome, StoreDriver, StoredFields } from './store-driver';

export type { CommitOutcome, LeaseOutcome } from './store-driver';

/** How messages name an open store: `the grant store (Redis at cache.example.com:6380)`. */
export function nameOfStore(store: Pick<GrantStore, 'kind' | 'address'>): string {
  return describeStore({ store: store.kind, address: store.address });
}

export interface GrantStore {
  readonly kind: GrantStoreKind;
  /** `host:port` of the server, or the env file's path: how messages name the store. */
  readonly address: string;
  /** The grant's name in the store. */
  readonly grant: string;
  /** Whether tokens are encrypted on the way in (GOTO_GRANT_STORE_KEY). */
  readonly encrypted: boolean;
  /** The record and its version; nothing while no grant was ever stored. */
  read(): Promise<StoredGrant | undefined>;
  /** Takes the lease if it is free or expired; `ttlMs` must outlast a token request. */
  acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome>;
  /** Extends `owner`'s lease while it is still theirs. */
  renewLease(owner: string, ttlMs: number): Promise<boolean>;
  /** Ends the lease if it is `owner`'s; someone else's is left alone. */
  releaseLease(owner: string): Promise<boolean>;
  /**
   * Writes `record` as the next version if the store still holds `expectedVersion` (the
   * version read; 0 when there was none) and, with `leaseOwner`, that holder's live lease.
   */
  commit(expectedVersion: number, record: GrantRecord, options?: CommitOptions): Promise<CommitOutcome>;
  /**
   * The grant is dead (GoTo answered invalid_grant to the refresh token of `read`): the next
   * version says `needs-reauth` and holds no token, so nobody sends the dead one again.
   */
  markNeedsReauth(
    read: StoredGrant,
    by: { writtenBy: string; writtenAt?: string },
    options?: CommitOptions,
  ): Promise<CommitOutcome>;
  /**
   * A new grant (a code exchange) as the next version over `expectedVersion`, whatever
   * state the old one was in: it clears `needs-reauth`.
   */
  initialize(
    expectedVersion: number,
    grant: Omit<GrantRecord, 'state'>,
    options?: CommitOptions,
  ): Promise<CommitOutcome>;
  close(): Promise<void>;
}

export type CommitOptions = { leaseOwner?: string };

const nullableText = z.string().nullable();
const storedSchema = z.object({
  refreshToken: nullableText,
  accessToken: nullableText,
  accessTokenExpiresAt: z.iso.datetime({ offset: true }).nullable(),
  principal: nullableText,
  organizerKey: nullableText,
  scopes: nullableText,
  state: z.enum(grantStates as [string, ...string[]]),
  writtenBy: z.string(),
  writtenAt: z.iso.datetime({ offset: true }),
});

/** The grant store over one backend's driver, with the key (if any) its tokens are sealed with. */
export class SealedGrantStore implements GrantStore {
  readonly kind: GrantStoreKind;
  readonly address: string;
  readonly grant: string;
  readonly encrypted: boolean;
  readonly #driver: StoreDriver;
  readonly #key: StoreKey | undefined;

  constructor(driver: StoreDriver, grant: string, key: StoreKey | undefined) {
    this.kind = driver.kind;
    this.address = driver.address;
    this.grant = grant;
    this.encrypted = key !== undefined;
    this.#driver = driver;
    this.#key = key;
  }

  async read(): Promise<StoredGrant | undefined> {
    const row = await this.#driver.read();
    if (!row) return undefined;
    const fields: Record<string, string | null> = { ...row.fields };
    for (const field of tokenFields) fields[field] = this.#open(field, row.fields[field]);
    const parsed = storedSchema.safeParse(fields);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path[0];
      throw this.#error('GRANT_STORE_RECORD_INVALID', 'read the grant', `its field "${String(field)}" is not valid`);
    }
    return { version: row.version, record: parsed.data as GrantRecord };
  }

  acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return this.#driver.acquireLease(owner, ttlMs);
  }

  renewLease(owner: string, ttlMs: number): Promise<boolean> {
    return this.#driver.renewLease(owner, ttlMs);
  }

  releaseLease(owner: string): Promise<boolean> {
    return this.#driver.releaseLease(owner);
  }

  commit(expectedVersion: number, record: GrantRecord, options: CommitOptions = {}): Promise<CommitOutcome> {
    const fields = Object.fromEntries(recordFields.map((field) => [field, record[field]])) as StoredFields;
    for (const field of tokenFields) {
      const value = record[field];
      fields[field] = value !== null && this.#key ? seal(value, this.#key, this.#context(field)) : value;
    }
    return this.#driver.write(expectedVersion, fields, options.leaseOwner);
  }

  markNeedsReauth(
    read: StoredGrant,
    by: { writtenBy: string; writtenAt?: string },
    options: CommitOptions = {},
  ): Promise<CommitOutcome> {
    return this.commit(
      read.version,
      {
        ...read.record,
        refreshToken: null,
        accessToken: null,
        accessTokenExpiresAt: null,
        state: 'needs-reauth',
        writtenBy: by.writtenBy,
        writtenAt: by.writtenAt ?? new Date().toISOString(),
      },
      options,
    );
  }

  initialize(
    expectedVersion: number,
    grant: Omit<GrantRecord, 'state'>,
    options: CommitOptions = {},
  ): Promise<CommitOutcome> {
    return this.commit(expectedVersion, { ...grant, state: 'ok' }, options);
  }

  close(): Promise<void> {
    return this.#driver.close();
  }

  /** Binds a sealed token to this grant and field (the AAD). */
  #context(field: string): string {
    return `goto-grant:${this.grant}:${field}`;
  }

  #open(field: (typeof tokenFields)[number], stored: string | null): string | null {
    if (stored === null) return null;
    if (!isSealed(stored)) {
      // With a key, a token in clear is refused: whoever could write it could plant a grant of their own.
      if (this.#key) throw this.#error('GRANT_STORE_UNDECRYPTABLE', 'read the grant', 'stored-in-clear');
      return stored;
    }
    const opened = unseal(stored, this.#key, this.#context(field));
    if (typeof opened === 'string') return opened;
    throw new GrantStoreError('GRANT_STORE_UNDECRYPTABLE', {
      store: this.kind,
      address: this.address,
      operation: 'read the grant',
      reason: opened.reason,
      recordKeyId: opened.recordKeyId,
      holderKeyId: this.#key?.id,
    });
  }

  #error(code: 'GRANT_STORE_UNDECRYPTABLE' | 'GRANT_STORE_RECORD_INVALID', operation: string, reason: string) {
    return new GrantStoreError(code, { store: this.kind, address: this.address, operation, reason });
  }
}
