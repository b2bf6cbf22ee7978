import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import { expect, test } from './fixtures';
import { GrantStoreError } from '../../lib/errors';
import { openGrantStore, storeKey } from '../../lib/grant-store/open-grant-store';
import { postgresClientConfig } from '../../lib/grant-store/postgres-driver';
import { createGrantTable } from '../../lib/grant-store/postgres-schema';
import { parseStoreKey, seal, unseal, type StoreKey } from '../../lib/grant-store/record-cipher';
import { redisClientOptions } from '../../lib/grant-store/redis-driver';
import { defaultStoreTimeouts, storeFailure } from '../../lib/grant-store/store-failure';
import { storeLocation, type ServerLocation } from '../../lib/grant-store/store-location';

/*
 * The grant store's configuration, without a server: which store GOTO_GRANT_STORE names,
 * the TLS and credentials each client is given, GOTO_GRANT_STORE_KEY, the record cipher,
 * and that no password, token or key reaches a message.
 */

const password = 'pa55-w0rd-never-shown';
const server = (url: string) => storeLocation({ GOTO_GRANT_STORE: url }) as ServerLocation;
const key = (byte: number): StoreKey => parseStoreKey(Buffer.alloc(32, byte).toString('base64')) as StoreKey;
const caught = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
};

test.describe('GOTO_GRANT_STORE', () => {
  test('unset or empty, the grant stays in the env file', () => {
    for (const value of [undefined, '', '  '])
      expect(storeLocation({ GOTO_GRANT_STORE: value, GOTO_ENV_FILE: 'ci.env' })).toEqual({
        kind: 'env-file',
        address: path.resolve('ci.env'),
      });
  });

  const servers: [string, Omit<ServerLocation, 'url'>][] = [
    ['redis://127.0.0.1:6380', { kind: 'redis', host: '127.0.0.1', port: 6380, tls: false, address: '127.0.0.1:6380' }],
    [
      `rediss://default:${password}@eu1-cute-cat-12345.upstash.io:6379`,
      {
        kind: 'redis',
        host: 'eu1-cute-cat-12345.upstash.io',
        port: 6379,
        tls: true,
        address: 'eu1-cute-cat-12345.upstash.io:6379',
      },
    ],
    ['redis://cache', { kind: 'redis', host: 'cache', port: 6379, tls: false, address: 'cache:6379' }],
    ['redis://[::1]:7000/2', { kind: 'redis', host: '::1', port: 7000, tls: false, address: '[::1]:7000' }],
    [
      `postgres://app:${password}@ep-calm-sea-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require`,
      {
        kind: 'postgres',
        host: 'ep-calm-sea-123456.eu-central-1.aws.neon.tech',
        port: 5432,
        tls: true,
        address: 'ep-calm-sea-123456.eu-central-1.aws.neon.tech:5432',
      },
    ],
    [
      `postgresql://postgres.abcd:${password}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`,
      {
        kind: 'postgres',
        host: 'aws-0-eu-central-1.pooler.supabase.com',
        port: 6543,
        tls: false,
        address: 'aws-0-eu-central-1.pooler.supabase.com:6543',
      },
    ],
  ];
  for (const [url, expected] of servers) {
    test(`${url.replace(password, '…')} is a ${expected.kind} store at ${expected.address}${expected.tls ? ' over TLS' : ''}`, () => {
      const location = server(url);
      expect({ ...location }).toEqual(expected);
      expect(location.url, 'the URL is kept for the client').toBe(url);
    });
  }

  test('the location never shows its password, logged or as JSON', () => {
    const location = server(`rediss://default:${password}@cache.example.com:6380`);
    expect(JSON.stringify(location)).not.toContain(password);
    expect(inspect(location)).not.toContain(password);
  });

  const invalid: [string, string][] = [
    [
      `https://user:${password}@cache.example.com`,
      'the scheme "https:" is not one of redis:, rediss:, postgres:, postgresql:',
    ],
    [`cache.example.com:6379`, 'the scheme "cache.example.com:" is not one of redis:, rediss:, postgres:, postgresql:'],
    ['just words', 'it is not a URL'],
    ['redis:///0', 'it names no host'],
    [`redis://:${password}@/`, 'it is not a valid URL'],
    [`redis://cache.example.com/tokens`, 'its path must be a database number (`/0`) or nothing'],
  ];
  for (const [value, reason] of invalid) {
    test(`"${value.replace(password, '…')}" is refused, saying why without quoting it`, () => {
      const error = caught(() => storeLocation({ GOTO_GRANT_STORE: value })) as GrantStoreError;
      expect(error).toBeInstanceOf(GrantStoreError);
      expect(error.code).toBe('GRANT_STORE_URL_INVALID');
      expect(error.reason).toBe(reason);
      expect(error.message).not.toContain(password);
      expect(error.message).toContain('GOTO_GRANT_STORE');
    });
  }
});

test.describe('the clients are given TLS and credentials as the URL says', () => {
  const timeouts = { connectMs: 1234, commandMs: 999 };

  test('rediss:// gives the Redis client TLS with the host as server name, and the URL’s credentials and database', () => {
    const options = redisClientOptions(server(`rediss://default:${password}@cute-cat.upstash.io:6380/3`), timeouts);
    expect(options.socket).toMatchObject({
      tls: true,
      host: 'cute-cat.upstash.io',
      port: 6380,
      servername: 'cute-cat.upstash.io',
      connectTimeout: 1234,
      reconnectStrategy: false,
    });
    expect(options).toMatchObject({ username: 'default', password, database: 3, disableOfflineQueue: true, RESP: 2 });
  });

  test('redis:// gives the Redis client a plain connection', () => {
    const options = redisClientOptions(server('redis://127.0.0.1:6390'), timeouts);
    expect(options.socket).toMatchObject({ tls: false, host: '127.0.0.1', port: 6390 });
    expect(options).not.toHaveProperty('password');
  });

  test('a percent-encoded password reaches the Redis client decoded', () => {
    const options = redisClientOptions(server('redis://u:p%40ss%2Fw@127.0.0.1:6390'), timeouts);
    expect(options).toMatchObject({ username: 'u', password: 'p@ss/w' });
  });

  const sslModes: [string, unknown][] = [
    // pg reads `require` as verify-full: TLS with Node's defaults, the certificate checked (pg-connection-string's README).
    ['?sslmode=require', {}],
    ['?sslmode=verify-full', {}],
    ['?sslmode=no-verify', { rejectUnauthorized: false }],
    ['?sslmode=require&uselibpqcompat=true', { rejectUnauthorized: false }],
    ['?sslmode=disable', false],
    ['', undefined],
  ];
  for (const [query, ssl] of sslModes) {
    test(`postgres://…${query || ' (no sslmode)'} gives pg ssl ${JSON.stringify(ssl)}`, () => {
      const config = postgresClientConfig(
        server(`postgres://app:${password}@db.example.com:5433/grants${query}`),
        timeouts,
      );
      expect(config.ssl).toEqual(ssl);
      expect(config).toMatchObject({
        host: 'db.example.com',
        port: 5433,
        user: 'app',
        password,
        database: 'grants',
        connectionTimeoutMillis: 1234,
        query_timeout: 999,
      });
    });
  }
});

test.describe('GOTO_GRANT_STORE_TIMEOUT', () => {
  /** A server that takes connections and never answers: what a store that hangs looks like. */
  async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    return {
      url: `redis://127.0.0.1:${port}`,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => silent.close(() => resolve()));
      },
    };
  }

  test('bounds how long a holder waits for a store that does not answer', async () => {
    const silent = await silentServer();
    try {
      const store = await openGrantStore({ GOTO_GRANT_STORE: silent.url, GOTO_GRANT_STORE_TIMEOUT: '1.5s' });
      const failure = await store.read().then(
        () => undefined,
        (error: unknown) => error,
      );
      await store.close();

      expect(failure).toBeInstanceOf(GrantStoreError);
      expect(failure).toMatchObject({ code: 'GRANT_STORE_TIMEOUT', timeoutMs: 1500 });
      expect((failure as Error).message).toContain('raise GOTO_GRANT_STORE_TIMEOUT');
    } finally {
      await silent.close();
    }
  });

  for (const url of ['redis://127.0.0.1:6390', 'postgres://app@127.0.0.1:6391/grants']) {
    test(`a value that is not a duration stops a ${url.split(':')[0]} store, naming the variable as the catalogue does`, async () => {
      const failure = await openGrantStore({ GOTO_GRANT_STORE: url, GOTO_GRANT_STORE_TIMEOUT: 'soon' }).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(failure).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((failure as Error).message).toContain('GOTO_GRANT_STORE_TIMEOUT must be a number of seconds');
      expect((failure as Error).message).toContain(
        '(how long a holder waits for the grant store to connect, and for each of its operations',
      );
    });
  }

  test('the env file as the store has no connection to bound: a bad value there stops nothing', async () => {
    const store = await openGrantStore({
      GOTO_ENV_FILE: test.info().outputPath('.env'),
      GOTO_GRANT_STORE_TIMEOUT: 'soon',
    });
    await store.close();
  });
});

test.describe('GOTO_GRANT_STORE_KEY', () => {
  test('32 random bytes in base64, as `openssl rand -base64 32` prints them, are a key with an id', () => {
    const parsed = storeKey({ GOTO_GRANT_STORE_KEY: `${Buffer.alloc(32, 7).toString('base64')}\n` });
    expect(parsed?.bytes).toEqual(Buffer.alloc(32, 7));
    expect(parsed?.id).toMatch(/^[0-9a-f]{8}$/);
  });

  test('unset, tokens are stored in clear', () => {
    expect(storeKey({})).toBeUndefined();
  });

  const bad: [string, string][] = [
    [Buffer.alloc(16, 1).toString('base64'), 'it decodes to 16 bytes, AES-256 needs 32'],
    ['correct horse battery staple, surely long enough', 'it is not base64 (A-Z, a-z, 0-9, +, / and = padding)'],
  ];
  for (const [value, reason] of bad) {
    test(`a key that ${reason.replace(/^it /, '')} is refused before anything is read, without quoting it`, () => {
      const error = caught(() => storeKey({ GOTO_GRANT_STORE_KEY: value })) as GrantStoreError;
      expect(error.code).toBe('GRANT_STORE_KEY_INVALID');
      expect(error.reason).toBe(reason);
      expect(error.message).not.toContain(value);
      expect(error.message).toContain('openssl rand -base64 32');
    });
  }
});

test.describe('the record cipher (AES-256-GCM)', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.refresh-token-body.signature';
  const context = 'goto-grant:default:refreshToken';

  test('a sealed token opens with its key and context, and holds nothing of the token', () => {
    const sealed = seal(token, key(1), context);
    expect(sealed).not.toContain('refresh-token-body');
    expect(sealed.split('.')[1]).toBe(key(1).id);
    expect(unseal(sealed, key(1), context)).toBe(token);
  });

  test('each seal has an IV of its own: the same token sealed twice differs', () => {
    const [a, b] = [seal(token, key(1), context), seal(token, key(1), context)];
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(Buffer.from(a.split('.')[2] ?? '', 'base64url')).toHaveLength(12);
  });

  test('a changed byte, another key, no key, another field: each refused, saying which', () => {
    const sealed = seal(token, key(1), context);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const changed = [...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.');
    expect(unseal(changed, key(1), context)).toEqual({ reason: 'tampered', recordKeyId: key(1).id });
    expect(unseal(sealed, key(2), context)).toEqual({ reason: 'wrong-key', recordKeyId: key(1).id });
    expect(unseal(sealed, undefined, context)).toEqual({ reason: 'no-key', recordKeyId: key(1).id });
    expect(unseal(sealed, key(1), 'goto-grant:default:accessToken')).toEqual({
      reason: 'tampered',
      recordKeyId: key(1).id,
    });
  });
});

test.describe('grant store errors', () => {
  const facts = { store: 'redis' as const, address: 'cache.example.com:6380', operation: 'read the grant' };

  test("a driver's error that quotes the URL becomes a message with the store's host:port and code only", () => {
    const driverError = Object.assign(
      new Error(`connect ECONNREFUSED rediss://default:${password}@cache.example.com`),
      {
        code: 'ECONNREFUSED',
      },
    );
    const error = storeFailure(facts, driverError, () => undefined);
    expect(error.code).toBe('GRANT_STORE_UNREACHABLE');
    expect(error.reason).toBe('ECONNREFUSED');
    expect(error.message).toContain(
      'the grant store (Redis at cache.example.com:6380) could not be reached (ECONNREFUSED)',
    );
    expect(error.message).not.toContain(password);
    expect(error.cause).toBeUndefined();
  });

  test('a reset or a pg_hba refusal points to TLS only when the URL asked for none', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const plainRedis = storeFailure({ ...facts, tls: false }, reset, () => undefined);
    const overTls = storeFailure({ ...facts, tls: true }, reset, () => undefined);
    const pg = { store: 'postgres' as const, address: 'db.example.com:5432', operation: 'read the grant' };
    const plainPg = storeFailure({ ...pg, tls: false }, new Error('no pg_hba.conf entry'), () => '28000');
    const pgOverTls = storeFailure({ ...pg, tls: true }, new Error('no pg_hba.conf entry'), () => '28000');

    expect(plainRedis.advice).toContain('if it takes TLS only, start the URL with rediss://');
    expect(overTls.advice).not.toContain('rediss://');
    expect(plainPg.advice).toContain('if it takes TLS only, add ?sslmode=require to the URL');
    expect(pgOverTls.advice).not.toContain('sslmode');
    expect(pgOverTls.advice).toContain('check the user name and database in GOTO_GRANT_STORE');
  });

  test('an answer of the server is told by its code, with advice for a wrong password', () => {
    const error = storeFailure(facts, new Error('WRONGPASS invalid username-password pair'), () => 'WRONGPASS');
    expect(error.code).toBe('GRANT_STORE_REFUSED');
    expect(error.message).toContain('refused it (WRONGPASS)');
    expect(error.advice).toContain('check the user name and password in GOTO_GRANT_STORE');
  });

  test('a timeout says how long was waited', () => {
    const error = new GrantStoreError('GRANT_STORE_TIMEOUT', { ...facts, reason: 'timeout', timeoutMs: 1500 });
    expect(error.message).toContain(
      'Could not read the grant: the grant store (Redis at cache.example.com:6380) did not answer within 1.5 s.',
    );
    expect(defaultStoreTimeouts.commandMs).toBeGreaterThan(0);
  });
});

test('docs/grant-store.md shows the very statement the store creates its table with', () => {
  const page = readFileSync(path.join(__dirname, '..', '..', 'docs', 'grant-store.md'), 'utf8');
  expect(page).toContain(createGrantTable);
});
