/**
 * The PostgreSQL table of the grant store, one row per grant. The store creates it on first
 * use; docs/grant-store.md shows the same statement for those who create tables themselves (and
 * tests/self-test/grant-store-config.spec.ts checks that the two agree).
 */
export const grantTable = 'goto_grants';

export const createGrantTable = `CREATE TABLE IF NOT EXISTS goto_grants (
  grant_id                text PRIMARY KEY,
  version                 integer NOT NULL DEFAULT 0,
  state                   text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'needs-reauth')),
  refresh_token           text,
  access_token            text,
  access_token_expires_at timestamptz,
  principal               text,
  organizer_key           text,
  scopes                  text,
  written_by              text,
  written_at              timestamptz,
  lease_owner             text,
  lease_expires_at        timestamptz
);`;
