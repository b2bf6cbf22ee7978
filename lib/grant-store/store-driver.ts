/**
 * What each backend (Redis, PostgreSQL, the env file) implements: the record as stored
 * (tokens sealed or not, every field a string or null) and the few atomic operations the
 * protocol needs. Encryption, validation and errors a person reads are the grant store's
 * (grant-store.ts), the same for every backend.
 */
import type { GrantStoreKind } from '../errors';
import type { recordFields } from './grant-record';

export type RecordField = (typeof recordFields)[number];

/** The record's fields as stored: strings or null (an absent field). */
export type StoredFields = Record<RecordField, string | null>;

/** A stored record with its version; version 0 (or no record) is no grant. */
export type StoredRow = { version: number; fields: StoredFields };

export type LeaseOutcome =
  | { acquired: true }
  /** Another holder has it: who, and how long it has left, when the store says. */
  | { acquired: false; holder: string | undefined; expiresInMs: number | undefined };

export type CommitOutcome =
  /** Written as `version` (the one read + 1). */
  | { committed: true; version: number }
  /**
   * Nothing written: another holder committed since (`version-changed`), or the lease this
   * commit required is not (or no longer) the caller's (`lease-not-held`). `version` is the
   * version the store held when it refused, when it says.
   */
  | { committed: false; reason: 'version-changed' | 'lease-not-held'; version: number | undefined };

export interface StoreDriver {
  readonly kind: GrantStoreKind;
  /** `host:port`, or the env file's path. */
  readonly address: string;
  read(): Promise<StoredRow | undefined>;
  /** Takes the lease if it is free or expired (SET NX PX); `ttlMs` on the store's clock. */
  acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome>;
  /** Extends the lease only while it is still `owner`'s. */
  renewLease(owner: string, ttlMs: number): Promise<boolean>;
  /** Ends the lease only if it is `owner`'s (compare-and-delete). */
  releaseLease(owner: string): Promise<boolean>;
  /**
   * Writes `fields` as version `expectedVersion + 1` if the store still holds
   * `expectedVersion` (0: no grant yet) and, with `leaseOwner`, that holder's live lease.
   * One atomic step: a Lua script, one SQL statement, or a write under the env file's lock.
   */
  write(expectedVersion: number, fields: StoredFields, leaseOwner: string | undefined): Promise<CommitOutcome>;
  close(): Promise<void>;
}
