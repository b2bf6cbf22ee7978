/**
 * The grant in Redis (Debian's redis-server, Upstash, Vercel KV): the record as a hash, the
 * lease as a string key with an expiry, both under the grant's hash tag so that a cluster
 * keeps them in one slot. Every change is one Lua script, which Redis runs atomically
 * (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/): the lease is
 * `SET NX PX` with an owner, released and renewed only by that owner (compare-and-delete),
 * and a commit writes only over the version it read (compare-and-swap).
 *
 * Client: node-redis's own client package, @redis/client (see docs/architecture.md, "Dependencies").
 */
import { createClient, type RedisClientOptions } from '@redis/client';
import type { ServerLocation } from './store-location';
import { recordFields } from './grant-record';
import type { CommitOutcome, LeaseOutcome, RecordField, StoreDriver, StoredFields, StoredRow } from './store-driver';
import { readOnceMore, runOperation, type OperationFacts, type StoreTimeouts } from './store-failure';

/** The hash's field for each record field: snake_case, as the PostgreSQL table's columns. */
const hashField: Record<RecordField, string> = {
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

/** KEYS[1] the record, KEYS[2] the lease. ARGV: owner, ttl. */
const ACQUIRE = `
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {0, redis.call('GET', KEYS[2]) or '', redis.call('PTTL', KEYS[2])}`;

const RENEW = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('DEL', KEYS[2]) end
return 0`;

/**
 * ARGV: expected version, lease owner ('' for none), then field/value pairs (absent fields
 * are left out). Replies {1, new version} or {0, current version, why}.
 */
const WRITE = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if ARGV[2] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return {0, current, 'lease-not-held'} end
if current ~= tonumber(ARGV[1]) then return {0, current, 'version-changed'} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', current + 1, unpack(ARGV, 3))
return {1, current + 1}`;

/**
 * The client's options for a location: explicit host, port, TLS and credentials (the URL
 * itself is not handed over: the client quotes it in some of its errors). Pure, so the TLS
 * choice of a `rediss://` URL is tested without a TLS server.
 */
/** The options of a RESP2 client with no modules, functions or scripts. */
export type RedisOptions = RedisClientOptions<Record<string, never>, Record<string, never>, Record<string, never>, 2>;

export function redisClientOptions(location: ServerLocation, timeouts: StoreTimeouts): RedisOptions {
  const url = new URL(location.url);
  const database = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  const common = {
    host: location.host,
    port: location.port,
    connectTimeout: timeouts.connectMs,
    // A holder fails fast and the next operation connects again; no retry loop in the background.
    reconnectStrategy: false as const,
  };
  const isIp = /^[\d.]+$|:/.test(location.host);
  return {
    socket: location.tls
      ? { ...common, tls: true, ...(isIp ? {} : { servername: location.host }) }
      : { ...common, tls: false },
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(database !== undefined ? { database } : {}),
    // Commands fail at once while not connected, rather than wait in a queue.
    disableOfflineQueue: true,
    // RESP2 and no maintenance notifications: what every hosted Redis speaks, no extra handshake.
    RESP: 2,
    maintNotifications: 'disabled',
  };
}

type Client = ReturnType<typeof createClient>;

/**
 * A grant's keys: its record (a hash) and its lease. The braces are a hash tag, so a
 * cluster keeps both in one slot, as a script touching both requires.
 */
export function redisKeys(grant: string): [record: string, lease: string] {
  return [`goto-token-runner:{${grant}}:grant`, `goto-token-runner:{${grant}}:lease`];
}

/** A Redis error reply's code: its first word (WRONGPASS, NOAUTH, NOPERM, ERR, …). */
function redisServerCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !['ErrorReply', 'SimpleError', 'BlobError'].includes(error.constructor.name))
    return undefined;
  return /^[A-Z][A-Z_]+/.exec(error.message)?.[0] ?? 'ERR';
}

export class RedisDriver implements StoreDriver {
  readonly kind = 'redis' as const;
  readonly address: string;
  readonly #location: ServerLocation;
  readonly #timeouts: StoreTimeouts;
  readonly #keys: [string, string];
  #client: Promise<Client> | undefined;
  /** The client itself, connected or still connecting: what `#drop` destroys. */
  #raw: Client | undefined;

  constructor(location: ServerLocation, grant: string, timeouts: StoreTimeouts) {
    this.address = location.address;
    this.#location = location;
    this.#timeouts = timeouts;
    this.#keys = redisKeys(grant);
  }

  async read(): Promise<StoredRow | undefined> {
    const hash = await readOnceMore(() =>
      this.#run('read the grant', false, (client) => client.hGetAll(this.#keys[0])),
    );
    const entries = hash as Record<string, string>;
    const version = Number(entries.version ?? 0);
    if (!version) return undefined;
    const fields = Object.fromEntries(
      recordFields.map((field) => [field, entries[hashField[field]] ?? null]),
    ) as StoredFields;
    return { version, fields };
  }

  async acquireLease(owner: string, ttlMs: number): Promise<LeaseOutcome> {
    const reply = (await this.#eval('take the lease', ACQUIRE, [owner, String(Math.ceil(ttlMs))])) as [
      number,
      string?,
      number?,
    ];
    if (reply[0] === 1) return { acquired: true };
    const expiresInMs = typeof reply[2] === 'number' && reply[2] >= 0 ? reply[2] : undefined;
    return { acquired: false, holder: reply[1] || undefined, expiresInMs };
  }

  async renewLease(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.#eval('renew the lease', RENEW, [owner, String(Math.ceil(ttlMs))])) === 1;
  }

  async releaseLease(owner: string): Promise<boolean> {
    return (await this.#eval('release the lease', RELEASE, [owner])) === 1;
  }

  async write(expectedVersion: number, fields: StoredFields, leaseOwner: string | undefined): Promise<CommitOutcome> {
    const pairs = recordFields.flatMap((field) => {
      const value = fields[field];
      return value === null ? [] : [hashField[field], value];
    });
    const reply = (await this.#eval(`commit version ${expectedVersion + 1}`, WRITE, [
      String(expectedVersion),
      leaseOwner ?? '',
      ...pairs,
    ])) as [number, number, string?];
    if (reply[0] === 1) return { committed: true, version: reply[1] };
    return {
      committed: false,
      reason: reply[2] === 'lease-not-held' ? 'lease-not-held' : 'version-changed',
      version: reply[1],
    };
  }

  async close(): Promise<void> {
    const raw = this.#raw;
    this.#client = undefined;
    this.#raw = undefined;
    if (!raw) return;
    // A client still connecting (a server that accepted the socket and hangs) is destroyed:
    // a polite close would wait for a handshake that never comes.
    if (!raw.isReady) return destroy(raw);
    // Politely when the server answers; a hung one never would, so not for longer than a command.
    let timer: NodeJS.Timeout | undefined;
    const closed = raw.close().catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, this.#timeouts.commandMs)))]);
    clearTimeout(timer);
    destroy(raw);
  }

  #eval(operation: string, script: string, args: string[]): Promise<unknown> {
    return this.#run(operation, true, (client) => client.eval(script, { keys: this.#keys, arguments: args }));
  }

  #run<T>(operation: string, write: boolean, command: (client: Client) => Promise<T>): Promise<T> {
    const facts: OperationFacts = { store: 'redis', address: this.address, tls: this.#location.tls, operation };
    const runner = { connected: () => this.#connected(), drop: () => this.#drop(), serverCode: redisServerCode };
    return runOperation(facts, this.#timeouts, runner, write, command);
  }

  #connected(): Promise<Client> {
    if (!this.#client) {
      const client = createClient(redisClientOptions(this.#location, this.#timeouts)) as Client;
      this.#raw = client;
      // Without a listener an 'error' event would end the process; failures reach the operation instead.
      client.on('error', () => undefined);
      const connecting = client.connect().then(() => client);
      // A connection the server closed while idle (hosted stores close idle ones) is not reused:
      // with reconnecting off, the client ends, and the next operation connects again.
      client.on('end', () => {
        if (this.#client !== connecting) return;
        this.#client = undefined;
        this.#raw = undefined;
      });
      this.#client = connecting;
      this.#client.catch(() => undefined);
    }
    return this.#client;
  }

  #drop(): void {
    const raw = this.#raw;
    this.#client = undefined;
    this.#raw = undefined;
    // Destroyed at once, connected or not: a connect that hangs must not keep its socket (and the process) open.
    if (raw) destroy(raw);
  }
}

function destroy(client: Client): void {
  try {
    client.destroy();
  } catch {
    // Already closed.
  }
}
