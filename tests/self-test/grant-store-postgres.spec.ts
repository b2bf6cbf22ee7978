import { Client } from 'pg';
import { expect, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { GrantStoreError } from '../../lib/errors';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import {
  expectEveryOperationRefused,
  grantRecord,
  grantStoreContract,
  type StoreBackend,
} from './helpers/grant-store-contract';
import {
  answeringStoreEnv,
  sharedPgBouncerUrl,
  sharedPostgresUrl,
  startPostgres,
  testServerPassword,
  uniqueGrant,
  type TestServer,
} from './helpers/store-servers';

/*
 * The grant store on a real PostgreSQL 15 (Debian's), one per worker, or GOTO_TEST_POSTGRES_URL's,
 * directly and through a real PgBouncer in transaction mode.
 */

/** A connection of our own, to look at what the store wrote, as a person with psql would. */
async function inspectPostgres<T>(url: string | undefined, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const inspectRow =
  (env: Env) =>
  (grant: string, sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> =>
    inspectPostgres(
      env.GOTO_GRANT_STORE,
      async (client) => (await client.query<Record<string, unknown>>(sql, [grant, ...parameters])).rows,
    );

const postgres: StoreBackend = {
  name: 'postgres',
  encrypts: true,
  holderEnv: async () => answeringStoreEnv(await sharedPostgresUrl()),
  raw: async (env, grant) =>
    JSON.stringify(
      await inspectRow(env)(grant, 'SELECT row_to_json(g)::text AS row FROM goto_grants g WHERE grant_id = $1'),
    ),
  stored: async (env, grant, field) => {
    const [row] = await inspectRow(env)(grant, `SELECT ${field} AS value FROM goto_grants WHERE grant_id = $1`);
    return (row?.value as string | null | undefined) ?? null;
  },
  setStored: async (env, grant, field, value) => {
    await inspectRow(env)(grant, `UPDATE goto_grants SET ${field} = $2 WHERE grant_id = $1`, [value]);
  },
};

grantStoreContract(postgres);

// Every operation is one statement with no session state, so a pooler in transaction mode
// (Neon's, Supabase's Supavisor, PgBouncer) changes nothing: the same contract through one.
grantStoreContract({
  ...postgres,
  name: 'PostgreSQL through PgBouncer in transaction mode',
  holderEnv: async () => answeringStoreEnv(await sharedPgBouncerUrl()),
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('it was not refused');
    },
    (error: unknown) => error as GrantStoreError,
  );

test('on a database without the table, the store creates it on first use, as docs/grant-store.md shows', async () => {
  const shared = new URL(await sharedPostgresUrl());
  const database = `grants_${uniqueGrant().replace(/-/g, '_')}`;
  await inspectPostgres(shared.toString(), (client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(shared);
  url.pathname = `/${database}`;
  const store = await openGrantStore({ GOTO_GRANT_STORE: url.toString() }, { grant: 'default' });
  try {
    expect(await store.acquireLease('first', 60_000)).toEqual({ acquired: true });
    const columns = await inspectPostgres(url.toString(), async (client) =>
      (
        await client.query(
          "SELECT column_name FROM information_schema.columns WHERE table_name = 'goto_grants' ORDER BY ordinal_position",
        )
      ).rows.map((row: { column_name: string }) => row.column_name),
    );
    expect(columns).toEqual([
      'grant_id',
      'version',
      'state',
      'refresh_token',
      'access_token',
      'access_token_expires_at',
      'principal',
      'organizer_key',
      'scopes',
      'written_by',
      'written_at',
      'lease_owner',
      'lease_expires_at',
    ]);
    expect(await store.read(), 'a lease alone is no grant').toBeUndefined();
  } finally {
    await store.close();
    await inspectPostgres(shared.toString(), (client) => client.query(`DROP DATABASE ${database}`));
  }
});

test('a hung PostgreSQL (SIGSTOP) fails within the bound, naming host:port and never the password; nothing is written, and once it answers again the next read passes', async () => {
  const server = await startPostgres();
  const env = { GOTO_GRANT_STORE: server.url };
  const grant = uniqueGrant();
  const store = await openGrantStore(env, { grant, timeouts: { connectMs: 2000, commandMs: 2000 } });
  try {
    const record = grantRecord(1);
    const writer = await openGrantStore(env, { grant });
    await writer.commit(0, record).finally(() => writer.close());
    // The postmaster accepts no new connection while stopped (the kernel still completes the TCP handshake).
    process.kill(server.pid, 'SIGSTOP');
    try {
      const error = await refusal(store.commit(1, grantRecord(2)));
      expect(error).toBeInstanceOf(GrantStoreError);
      expect(error).toMatchObject({
        code: 'GRANT_STORE_TIMEOUT',
        store: 'postgres',
        address: `127.0.0.1:${server.port}`,
        timeoutMs: 2000,
        mayHaveLanded: false,
      });
      expect(error.message).toContain(`PostgreSQL at 127.0.0.1:${server.port}`);
      expect(error.message).not.toContain(testServerPassword);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(await store.read()).toEqual({ version: 1, record });
  } finally {
    await store.close();
    await server.stop();
  }
});

test('a wrong password is refused as 28P01, naming the store and never either password', async () => {
  const url = new URL(await sharedPostgresUrl());
  url.password = 'not-the-password';
  const store = await openGrantStore({ GOTO_GRANT_STORE: url.toString() }, { grant: uniqueGrant() });
  try {
    const error = await refusal(store.read());
    expect(error).toMatchObject({ code: 'GRANT_STORE_REFUSED', reason: '28P01', address: url.host });
    expect(error.advice).toContain('check the user name and password in GOTO_GRANT_STORE');
    expect(error.message).not.toContain('not-the-password');
    expect(error.message).not.toContain(testServerPassword);
  } finally {
    await store.close();
  }
});

test('a connection the server closed while idle is replaced: the next read and lease pass', async () => {
  const server = await startPostgres();
  const env = { GOTO_GRANT_STORE: server.url };
  const store = await openGrantStore(env, { grant: uniqueGrant() });
  try {
    const record = grantRecord(1);
    await store.commit(0, record);
    // What a pooler or a hosted server does to an idle connection.
    await inspectPostgres(server.url, (client) =>
      client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'goto-token-runner'",
      ),
    );
    expect(await store.read()).toEqual({ version: 1, record });
    expect(await store.acquireLease('next', 60_000)).toEqual({ acquired: true });
  } finally {
    await store.close();
    await server.stop();
  }
});

test.describe('a PostgreSQL with TLS (ssl=on, TLS connections only)', () => {
  let server: TestServer;
  test.beforeEach(async () => {
    server = await startPostgres({ tls: true });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  /** The server's URL (sslmode=require) with its CA as sslrootcert: how docs/grant-store.md has a user trust Supabase's CA. */
  const trusted = () => `${server.url}&sslrootcert=${encodeURIComponent(server.caFile ?? '')}`;

  test('sslmode=require with the CA as sslrootcert reads and commits a grant over TLS, the certificate checked; without the CA it is refused, naming host:port', async () => {
    const grant = uniqueGrant();
    await test.step('without the CA, the certificate is refused: verification is on', async () => {
      const store = await openGrantStore({ GOTO_GRANT_STORE: server.url }, { grant });
      try {
        const error = await refusal(store.read());
        expect(error).toBeInstanceOf(GrantStoreError);
        expect(error).toMatchObject({ code: 'GRANT_STORE_UNREACHABLE', address: `127.0.0.1:${server.port}` });
        expect(error.reason).toMatch(/CERT|VERIFY/);
        expect(error.message).not.toContain(testServerPassword);
      } finally {
        await store.close();
      }
    });

    const store = await openGrantStore({ GOTO_GRANT_STORE: trusted() }, { grant });
    try {
      const record = grantRecord(1);
      expect(await store.read(), 'nothing stored yet').toBeUndefined();
      await store.commit(0, record);
      expect(await store.read()).toEqual({ version: 1, record });
      const connections = await inspectPostgres(trusted(), async (client) =>
        (
          await client.query<{ ssl: boolean }>(
            'SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) ' +
              "WHERE a.application_name = 'goto-token-runner'",
          )
        ).rows.map((row) => row.ssl),
      );
      expect(connections, 'the store’s open connection is encrypted').toEqual([true]);
    } finally {
      await store.close();
    }
  });

  test('sslmode=disable on a server that takes TLS only is refused (28000) naming host:port and sslmode=require, never the password, and writes nothing', async () => {
    const plain = server.url.replace('sslmode=require', 'sslmode=disable');
    const store = await openGrantStore({ GOTO_GRANT_STORE: plain }, { grant: uniqueGrant() });
    try {
      const address = `127.0.0.1:${server.port}`;
      const facts = {
        code: 'GRANT_STORE_REFUSED',
        reason: '28000',
        store: 'postgres',
        address,
        advice: 'if it takes TLS only, add ?sslmode=require to the URL',
      } as const;
      await expectEveryOperationRefused(store, facts, 'PostgreSQL', testServerPassword);
    } finally {
      await store.close();
    }
    expect(
      await inspectPostgres(
        trusted(),
        async (client) =>
          (await client.query<{ table: string | null }>("SELECT to_regclass('goto_grants')::text AS table")).rows,
      ),
      'nothing was written: not even the table',
    ).toEqual([{ table: null }]);
  });
});
