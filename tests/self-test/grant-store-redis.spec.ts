import { createClient } from '@redis/client';
import { expect, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { GrantStoreError } from '../../lib/errors';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { redisKeys } from '../../lib/grant-store/redis-driver';
import { grantRecord, grantStoreContract } from './helpers/grant-store-contract';
import { sharedRedisUrl, startRedis, testServerPassword, uniqueGrant } from './helpers/store-servers';

/*
 * The grant store on a real redis-server (Debian's), one per worker, or GOTO_TEST_REDIS_URL's.
 */

/** A client of our own, to look at what the store wrote, as a person with redis-cli would. */
async function inspector(env: Env) {
  const client = createClient({ url: env.GOTO_GRANT_STORE, RESP: 2 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function inspectRedis<T>(
  env: Env,
  use: (client: Awaited<ReturnType<typeof inspector>>) => Promise<T>,
): Promise<T> {
  const client = await inspector(env);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

grantStoreContract({
  name: 'redis',
  encrypts: true,
  holderEnv: async () => ({ GOTO_GRANT_STORE: await sharedRedisUrl() }),
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
