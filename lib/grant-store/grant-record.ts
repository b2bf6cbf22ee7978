/**
 * The grant as every store keeps it: one record per grant, its version counting every
 * write, so that a holder commits only over the version it read (compare-and-swap).
 * Nothing here talks to a store.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** `needs-reauth`: GoTo refused the refresh token (invalid_grant) and nobody may send it again. */
export type GrantState = 'ok' | 'needs-reauth';

export const grantStates: readonly GrantState[] = ['ok', 'needs-reauth'];

/** What a store holds for one grant, tokens in clear (a store encrypts them on the way in). */
export type GrantRecord = {
  refreshToken: string | null;
  accessToken: string | null;
  /** When the access token expires (ISO 8601). */
  accessTokenExpiresAt: string | null;
  /** The account the tokens belong to (GoTo's `principal`, an email). */
  principal: string | null;
  organizerKey: string | null;
  /** The scopes granted, space-separated as in OAuth's `scope` (RFC 6749 §3.3). */
  scopes: string | null;
  state: GrantState;
  /** The holder that wrote this version (`holderId`). */
  writtenBy: string;
  /** When it was written (ISO 8601, the writer's clock). */
  writtenAt: string;
};

/** A record as read, with the version it was read at: the one a commit must still find. */
export type StoredGrant = { version: number; record: GrantRecord };

/** The names of the record's fields, in the order stores keep them. */
export const recordFields = [
  'refreshToken',
  'accessToken',
  'accessTokenExpiresAt',
  'principal',
  'organizerKey',
  'scopes',
  'state',
  'writtenBy',
  'writtenAt',
] as const satisfies readonly (keyof GrantRecord)[];

/** The fields a store encrypts when it has a key (GOTO_GRANT_STORE_KEY). */
export const tokenFields = ['refreshToken', 'accessToken'] as const satisfies readonly (keyof GrantRecord)[];

/**
 * Who a holder is, for leases and for the record's `writtenBy`: host, process and run, and a
 * random part so that two holders in one process (two requests of one app instance) differ.
 * Nothing secret.
 */
export function holderId(run?: string): string {
  return `${hostname()}/${process.pid}/${run ?? '-'}/${randomBytes(4).toString('hex')}`;
}
