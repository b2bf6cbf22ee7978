import { readFileSync } from 'node:fs';
import { createClient } from '@redis/client';
import { expect, fingerprint, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { GrantStoreError } from '../../lib/errors';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { redisKeys } from '../../lib/grant-store/redis-driver';
import { expectEveryOperationRefused, grantRecord, grantStoreContract } from './helpers/grant-store-contract';
import { sharedGrant, startHolder } from './helpers/grant-holders';
import {
  answeringStoreEnv,
  sharedRedisUrl,
  startRedis,
  testServerPassword,
  uniqueGrant,
  type TestServer,
} from './helpers/store-servers';

/*
 * The grant store on a real redis-server (Debian's), one per worker, or GOTO_TEST_REDIS_URL's.
 */

/**
 * A client of our own, to look at what the store wrote, as a person with redis-cli would
 * (with `--cacert` for a TLS server of the test's own).
 */
async function inspector(env: Env, caFile?: string) {
  const client = createClient({
    url: env.GOTO_GRANT_STORE,
    RESP: 2,
    ...(caFile ? { socket: { tls: true, ca: readFileSync(caFile) } } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function inspectRedis<T>(
  env: Env,
  use: (client: Awaited<ReturnType<typeof inspector>>) => Promise<T>,
  caFile?: string,
): Promise<T> {
  const client = await inspector(env, caFile);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

grantStoreContract({
  name: 'redis',
  encrypts: true,
  holderEnv: async () => answeringStoreEnv(await sharedRedisUrl()),
  raw: (env, grant) =>
    inspectRedis(env, async (client) => {
      const hash = await client.hGetAll(redisKeys(grant)[0]);
      return JSON.stringify(Object.entries(hash).sort());
    }),
  stored: (env, grant, field) => inspectRedis(env, (client) => client.hGet(redisKeys(grant)[0], field)),
  setStored: (env, grant, field, value) =>
    inspectRedis(env, async (client) => {
      await client.hSet(redisKeys(grant)[0], field, value);
    }),
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('it was not refused');
    },
    (error: unknown) => error as GrantStoreError,
  );

test.describe('a Redis that does not answer', () => {
  test('a hung Redis (SIGSTOP) fails each operation within the bound, naming host:port and never the password; nothing is written, and once it answers again the next read passes', async () => {
    const server = await startRedis();
    const env = { GOTO_GRANT_STORE: server.url };
    const grant = uniqueGrant();
    // Bounds short enough for a test, long enough for a busy machine's healthy round trip.
    const timeouts = { connectMs: 2000, commandMs: 2000 };
    const connected = await openGrantStore(env, { grant, timeouts });
    const fresh = await openGrantStore(env, { grant, timeouts });
    try {
      const record = grantRecord(1);
      const writer = await openGrantStore(env, { grant });
      await writer.commit(0, record).finally(() => writer.close());
      await connected.read();
      process.kill(server.pid, 'SIGSTOP');
      try {
        await test.step('a read on an open connection', async () => {
          const error = await refusal(connected.read());
          expect(error).toBeInstanceOf(GrantStoreError);
          expect(error).toMatchObject({
            code: 'GRANT_STORE_TIMEOUT',
            store: 'redis',
            address: `127.0.0.1:${server.port}`,
            timeoutMs: 2000,
            mayHaveLanded: false,
          });
          expect(error.message).toContain(`Redis at 127.0.0.1:${server.port}`);
          expect(error.message).not.toContain(testServerPassword);
        });
        await test.step('a commit on a new connection, which never gets past the handshake', async () => {
          const error = await refusal(fresh.commit(1, grantRecord(2)));
          expect(error).toMatchObject({ code: 'GRANT_STORE_TIMEOUT', address: `127.0.0.1:${server.port}` });
          expect(error.mayHaveLanded, 'the commit never left').toBe(false);
          expect(error.message).not.toContain(testServerPassword);
        });
      } finally {
        process.kill(server.pid, 'SIGCONT');
      }
      expect(await fresh.read(), 'answering again, the store holds what it held, and is read').toEqual({
        version: 1,
        record,
      });
    } finally {
      await Promise.all([connected.close(), fresh.close()]);
      await server.stop();
    }
  });

  test('a wrong password is refused as WRONGPASS, naming the store and never either password', async () => {
    const url = new URL(await sharedRedisUrl());
    url.password = 'not-the-password';
    const store = await openGrantStore({ GOTO_GRANT_STORE: url.toString() }, { grant: uniqueGrant() });
    try {
      const error = await refusal(store.read());
      expect(error).toMatchObject({ code: 'GRANT_STORE_REFUSED', reason: 'WRONGPASS', address: url.host });
      expect(error.message).not.toContain('not-the-password');
      expect(error.message).not.toContain(testServerPassword);
    } finally {
      await store.close();
    }
  });

  test('a port nobody listens on is ECONNREFUSED, with advice to check GOTO_GRANT_STORE', async () => {
    const server = await startRedis();
    await server.stop();
    const store = await openGrantStore({ GOTO_GRANT_STORE: server.url }, { grant: uniqueGrant() });
    try {
      const error = await refusal(store.acquireLease('me', 1000));
      expect(error).toMatchObject({ code: 'GRANT_STORE_UNREACHABLE', reason: 'ECONNREFUSED' });
      expect(error.advice).toContain('check the host and port in GOTO_GRANT_STORE');
    } finally {
      await store.close();
    }
  });

  test('a connection the server closed while idle is replaced: the next read and lease pass', async () => {
    const server = await startRedis();
    const env = { GOTO_GRANT_STORE: server.url };
    const store = await openGrantStore(env, { grant: uniqueGrant() });
    try {
      const record = grantRecord(1);
      await store.commit(0, record);
      // What a hosted Redis does to an idle connection.
      await inspectRedis(env, (client) => client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']));
      expect(await store.read()).toEqual({ version: 1, record });
      expect(await store.acquireLease('next', 60_000)).toEqual({ acquired: true });
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

test.describe('a Redis with TLS (rediss://)', () => {
  // Holders are processes of their own, started on a loaded machine.
  test.describe.configure({ timeout: 180_000 });

  let server: TestServer;
  test.beforeEach(async () => {
    server = await startRedis({ tls: true });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test('holders given the server’s CA with NODE_EXTRA_CA_CERTS exchange a grant into it and read and commit its refresh over TLS, the certificate checked; without the CA it is refused, naming host:port', async ({
    emulator,
    emulatorClient,
  }) => {
    const caFile = server.caFile ?? '';
    const shared = await sharedGrant('redis', emulator, emulatorClient, answeringStoreEnv(server.url));
    // How a user trusts a private CA: Node reads NODE_EXTRA_CA_CERTS as it starts, so each holder is a process of its own.
    const trusted = { NODE_EXTRA_CA_CERTS: caFile };

    await test.step('without the CA, the certificate is refused: verification is on', async () => {
      const store = await openGrantStore({ GOTO_GRANT_STORE: server.url }, { grant: shared.grant });
      try {
        const error = await refusal(store.read());
        expect(error).toBeInstanceOf(GrantStoreError);
        expect(error).toMatchObject({ code: 'GRANT_STORE_UNREACHABLE', address: `127.0.0.1:${server.port}` });
        expect(error.reason).toMatch(/CERT|VERIFY/);
        expect(error.advice).toContain('NODE_EXTRA_CA_CERTS');
        expect(error.message).not.toContain(testServerPassword);
      } finally {
        await store.close();
      }
    });

    const { code } = await emulator.issueCode(emulatorClient.clientId);
    const redirectUri = emulatorClient.redirectUris[0] ?? '';
    const exchanged = await startHolder(shared, { mode: 'once', newGrant: { code, redirectUri } }, trusted).result();
    expect(exchanged, 'the exchange is committed as version 1').toMatchObject({ source: 'authorized', version: 1 });

    const refreshed = await startHolder(shared, { mode: 'once', rejectStored: true }, trusted).result();
    expect(refreshed, 'the next holder read it and committed its refresh').toMatchObject({
      source: 'refreshed',
      version: 2,
    });

    const [record, lease] = redisKeys(shared.grant);
    const stored = await inspectRedis(
      shared.env,
      async (client) => ({ hash: await client.hGetAll(record), lease: await client.exists(lease) }),
      caFile,
    );
    const live = (await emulator.accessTokens(emulatorClient.clientId)).at(-1)?.token ?? '';
    expect(
      { version: stored.hash.version, state: stored.hash.state, lease: stored.lease },
      'the server holds version 2, the lease released',
    ).toEqual({ version: '2', state: 'ok', lease: 0 });
    expect(
      fingerprint(stored.hash.access_token ?? ''),
      'the stored access token is the one the refresh got and the holder used',
    ).toBe(fingerprint(live));
    expect('accessToken' in refreshed && refreshed.accessToken).toBe(fingerprint(live));
  });

  test('redis:// (no TLS) on the TLS port fails naming host:port and rediss://, never the password, and writes nothing', async () => {
    const plain = server.url.replace(/^rediss:/, 'redis:');
    // Bounds for a loaded machine: the failure must be the server closing the connection, not a timeout.
    const timeouts = { connectMs: 30_000, commandMs: 30_000 };
    const store = await openGrantStore({ GOTO_GRANT_STORE: plain }, { grant: uniqueGrant(), timeouts });
    try {
      const address = `127.0.0.1:${server.port}`;
      const facts = {
        code: 'GRANT_STORE_UNREACHABLE',
        store: 'redis',
        address,
        advice: 'if it takes TLS only, start the URL with rediss://',
      } as const;
      await expectEveryOperationRefused(store, facts, 'Redis', testServerPassword);
    } finally {
      await store.close();
    }
    expect(
      await inspectRedis({ GOTO_GRANT_STORE: server.url }, (client) => client.dbSize(), server.caFile),
      'nothing was written',
    ).toBe(0);
  });
});
