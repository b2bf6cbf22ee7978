/**
 * The grant in PostgreSQL (Neon, Supabase, any server), one row per grant (postgres-schema.ts).
 * Every operation is one statement on its own, never a transaction left open, an advisory lock
 * or session state: so it works through poolers in transaction mode (Neon's, Supabase's
 * Supavisor, PgBouncer), where consecutive statements may run on different server
 * connections. The lease is a conditional upsert of the lease columns (taken only when free
 * or expired, on the server's clock); a commit is an UPDATE whose WHERE holds the version
 * read (compare-and-swap). PostgreSQL's INSERT … ON CONFLICT DO UPDATE is atomic under
 * concurrency ("either insert or update", https://www.postgresql.org/docs/15/sql-insert.html).
 */
import { Client, type ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import type { ServerLocation } from './store-location';
import { recordFields } from './grant-record';
import { createGrantTable } from './postgres-schema';
import type { CommitOutcome, LeaseOutcome, RecordField, StoreDriver, StoredFields, StoredRow } from './store-driver';
import { readOnceMore, runOperation, type OperationFacts, type StoreTimeouts } from './store-failure';

const column: Record<RecordField, string> = {
  refreshToken: 'refresh_token',
  accessToken: 'access_token',
  accessTokenExpiresAt: 'access_token_expires_at',
  principal: 'principal',
  organizerKey: 'organizer_key',
  scopes: 'scopes',
  state: 'state',
  writtenBy: 'written_by',
  writtenAt: 'written_at',
};
const columns = recordFields.map((field) => column[field]);
const ms = (parameter: string) => `${parameter}::double precision * interval '1 millisecond'`;
/** The lease is `$2`'s and has time left, on the server's clock. */
const leaseHeld = 'g.lease_owner = $2 AND g.lease_expires_at > clock_timestamp()';

const READ = `SELECT version, ${columns.join(', ')} FROM goto_grants WHERE grant_id = $1`;

/** $1 grant, $2 owner, $3 ttl. One row: whether it was taken, and the holder as the statement saw it. */
const ACQUIRE = `WITH taken AS (
  INSERT INTO goto_grants AS g (grant_id, lease_owner, lease_expires_at)
  VALUES ($1, $2, clock_timestamp() + ${ms('$3')})
  ON CONFLICT (grant_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at
  WHERE g.lease_owner IS NULL OR g.lease_expires_at <= clock_timestamp()
  RETURNING 1
)
SELECT (SELECT count(*) FROM taken)::integer AS acquired, g.lease_owner AS holder,
  floor(extract(epoch FROM g.lease_expires_at - clock_timestamp()) * 1000)::integer AS expires_in_ms
FROM (SELECT 1) AS one LEFT JOIN goto_grants g ON g.grant_id = $1`;

const HOLDER = `SELECT g.lease_owner AS holder,
  floor(extract(epoch FROM g.lease_expires_at - clock_timestamp()) * 1000)::integer AS expires_in_ms
FROM goto_grants g WHERE g.grant_id = $1 AND g.lease_expires_at > clock_timestamp()`;

const RENEW = `UPDATE goto_grants AS g SET lease_expires_at = clock_timestamp() + ${ms('$3')}
WHERE g.grant_id = $1 AND ${leaseHeld}`;

const RELEASE = `UPDATE goto_grants AS g SET lease_owner = NULL, lease_expires_at = NULL
WHERE g.grant_id = $1 AND ${leaseHeld}`;

/** $1 grant, $2 expected version, $3… the fields in `columns`' order, then the lease owner when one is required. */
const values = columns.map((_, i) => `$${i + 3}`);
const ownerParameter = `$${columns.length + 3}`;
const UPDATE = (withLease: boolean) => `UPDATE goto_grants AS g
SET version = g.version + 1, ${columns.map((name, i) => `${name} = ${values[i]}`).join(', ')}
WHERE g.grant_id = $1 AND g.version = $2::integer${
  withLease ? ` AND g.lease_owner = ${ownerParameter} AND g.lease_expires_at > clock_timestamp()` : ''
}
RETURNING g.version`;

/** The first grant where no holder ever took a lease (no row yet): an insert, or an update of a version 0 row. */
const FIRST = `INSERT INTO goto_grants AS g (grant_id, version, ${columns.join(', ')})
VALUES ($1, 1, ${values.join(', ')})
ON CONFLICT (grant_id) DO UPDATE SET version = g.version + 1, ${columns.map((name) => `${name} = excluded.${name}`).join(', ')}
WHERE g.version = $2::integer
RETURNING g.version`;

const AFTER_REFUSAL = `SELECT g.version, (${leaseHeld}) AS held FROM goto_grants g WHERE g.grant_id = $1`;

/**
 * The client's settings for a location, read by pg-connection-string as pg itself reads a
 * URL (so `sslmode=require` means TLS with the certificate verified; see docs/grant-store.md, "TLS"), with
 * this store's bounds. Pure, so the TLS choice is tested without a TLS server.
 */
export function postgresClientConfig(location: ServerLocation, timeouts: StoreTimeouts): ClientConfig {
  return {
    ...parseIntoClientConfig(location.url),
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.commandMs,
    application_name: 'goto-token-runner',
  };
}

/** A PostgreSQL error of the server: its SQLSTATE (28P01 wrong password, 42501 no permission, …). */
function postgresServerCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('severity' in error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
}

type Row = Record<string, unknown>;

export class PostgresDriver implements StoreDriver {
  readonly kind = 'postgres' as const;
  readonly address: string;
  readonly #location: ServerLocation;
  readonly #timeouts: StoreTimeouts;
  readonly #grant: string;
  #client: Promise<Client> | undefined;

  constructor(location: ServerLocation, grant: string, timeouts: StoreTimeouts) {
    this.address = location.address;
    this.#location = location;
    this.#timeouts = timeouts;
    this.#grant = grant;
  }

  async read(): Promise<StoredRow | undefined> {
    const [row] = await readOnceMore(() => this.#query('read the grant', false, READ, [this.#grant]));
    const version = Number(row?.version ?? 0);
    if (!row || !version) return undefined;
    const fields = Object.fromEntries(recordFields.map((field) => [field, text(row[column[field]])])) as StoredFields;
    return { version, fields };
  }

  async acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome> {
    const [row] = await this.#query('take the lease', true, ACQUIRE, [this.#grant, owner, Math.ceil(ttlMs)]);
    if (row?.acquired === 1) return { acquired: true };
    // The statement's snapshot predates a holder whose insert it waited for: ask again, to say who holds it.
    const [holder] =
      typeof row?.holder === 'string' ? [row] : await this.#query('take the lease', false, HOLDER, [this.#grant]);
    return notAcquired(holder);
  }

  async renewLease(owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.#query('renew the lease', true, `${RENEW} RETURNING 1`, [
      this.#grant,
      owner,
      Math.ceil(ttlMs),
    ]);
    return rows.length === 1;
  }

  async releaseLease(owner: string): Promise<boolean> {
    const rows = await this.#query('release the lease', true, `${RELEASE} RETURNING 1`, [this.#grant, owner]);
    return rows.length === 1;
  }

  async write(expectedVersion: number, fields: StoredFields, leaseOwner: string | undefined): Promise<CommitOutcome> {
    const operation = `commit version ${expectedVersion + 1}`;
    const parameters: unknown[] = [this.#grant, expectedVersion, ...recordFields.map((field) => fields[field])];
    if (leaseOwner !== undefined) parameters.push(leaseOwner);
    const statement = expectedVersion === 0 && leaseOwner === undefined ? FIRST : UPDATE(leaseOwner !== undefined);
    const [row] = await this.#query(operation, true, statement, parameters);
    if (row) return { committed: true, version: Number(row.version) };
    const [now] = await this.#query(operation, false, AFTER_REFUSAL, [this.#grant, leaseOwner ?? null]);
    const lost = leaseOwner !== undefined && now?.held !== true;
    return {
      committed: false,
      reason: lost ? 'lease-not-held' : 'version-changed',
      version: now ? Number(now.version) : 0,
    };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.then(endWithin(this.#timeouts.commandMs), () => undefined);
  }

  /** One statement; the table is created the first time a statement finds it missing (42P01). */
  async #query(operation: string, write: boolean, sql: string, parameters: unknown[]): Promise<Row[]> {
    try {
      return await this.#once(operation, write, sql, parameters);
    } catch (error) {
      if (!(postgresServerCode(error) === '42P01' || (error as { reason?: unknown }).reason === '42P01')) throw error;
    }
    await this.#once('create the grant table', false, createGrantTable, []).catch((error: unknown) => {
      // Another holder created it at the same moment (CREATE TABLE IF NOT EXISTS can race on the catalog).
      if (!['23505', '42P07'].includes((error as { reason?: string }).reason ?? '')) throw error;
    });
    return this.#once(operation, write, sql, parameters);
  }

  async #once(operation: string, write: boolean, sql: string, parameters: unknown[]): Promise<Row[]> {
    const facts: OperationFacts = { store: 'postgres', address: this.address, tls: this.#location.tls, operation };
    const runner = { connected: () => this.#connected(), drop: () => this.#drop(), serverCode: postgresServerCode };
    const result = await runOperation(facts, this.#timeouts, runner, write, (client) =>
      client.query<Row>(sql, parameters),
    );
    return result.rows;
  }

  #connected(): Promise<Client> {
    if (!this.#client) {
      const client = new Client(postgresClientConfig(this.#location, this.#timeouts));
      const connecting = client.connect().then(() => client);
      // A connection lost while idle (a pooler or a hosted server closes idle ones) is reported
      // here: the next operation connects again.
      const forget = () => {
        if (this.#client === connecting) this.#drop();
      };
      client.on('error', forget);
      client.on('end', forget);
      this.#client = connecting;
      this.#client.catch(() => undefined);
    }
    return this.#client;
  }

  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    void client?.then(endWithin(0), () => undefined);
  }
}

/**
 * Ends a connection politely, or after `ms` by closing its socket: a server that hangs
 * never answers the goodbye, and a holder must not hang with it.
 */
function endWithin(ms: number): (client: Client) => Promise<void> {
  return async (client) => {
    let timer: NodeJS.Timeout | undefined;
    const ended = client.end().catch(() => undefined);
    await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    // pg keeps its socket on `connection.stream`; destroying it ends a connection that did not end by itself.
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
}

function notAcquired(row: Row | undefined): LeaseOutcome {
  const left = row?.expires_in_ms;
  return {
    acquired: false,
    holder: typeof row?.holder === 'string' ? row.holder : undefined,
    expiresInMs: typeof left === 'number' && left >= 0 ? left : undefined,
  };
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}
