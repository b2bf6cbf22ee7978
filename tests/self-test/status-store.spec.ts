import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { expect, test } from './fixtures';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import {
  backends,
  DAY,
  expectNoSecret,
  jwtGrant,
  rawGrant,
  refreshToken,
  runScript,
  sealedGrantEnv,
  storeGrant,
  testStoreKey,
} from './helpers/store-tools';
import { keyIdOf } from '../../lib/grant-store/record-cipher';
import { testServerPassword } from './helpers/store-servers';
import { storeRecoveryPath } from '../../lib/custody/store-recovery';

/*
 * `npm run status` with GOTO_GRANT_STORE: it reads the grant store's record (no lease, no
 * write) and reports its tokens as it reports the env file's, with the store's own facts.
 * Run as a child process against a real Redis and a real PostgreSQL (helpers/store-servers.ts).
 */

test.describe.configure({ timeout: 5 * 60_000 });

const HOUR = 60 * 60 * 1000;

/** A scratch env file with the client's settings and no token: the tokens are the store's. */
async function clientEnvFile(path: string, extra: string[] = []): Promise<string> {
  await writeFile(
    path,
    ['# the OAuth client', 'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000', ...extra, ''].join('\n'),
  );
  return path;
}

/** A port of 127.0.0.1 nobody listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

for (const backend of backends) {
  test.describe(`on ${backend.name}`, () => {
    test("shows the store by kind and host:port, the grant's version, state, age and last writer, and the tokens' expiry and days left from the record's claims; exits 0 and prints no secret", async ({}, testInfo) => {
      const env = await sealedGrantEnv(backend);
      // Half a day past 12 days, so the whole days shown do not depend on how long the child takes.
      const record = jwtGrant({ ageMs: 12.5 * DAY, accessMs: 42.5 * 60_000, writtenAgoMs: 3.5 * HOUR });
      await storeGrant(env, jwtGrant({ ageMs: 13 * DAY, accessMs: HOUR }));
      await storeGrant(env, record);
      const envFile = await clientEnvFile(testInfo.outputPath('status.env'));
      const { port } = new URL(env.GOTO_GRANT_STORE ?? '');

      const run = await runScript('status', { ...env, GOTO_ENV_FILE: envFile });

      expect(run.exitCode, run.stderr).toBe(0);
      const kind = backend.name === 'redis' ? 'Redis' : 'PostgreSQL';
      const store = `${kind} at 127.0.0.1:${port}, grant "${env.GOTO_GRANT_NAME}"`;
      expect(run.stdout).toContain(`GoTo token status: ${store}`);
      expect(run.stdout).toMatch(
        new RegExp(`^ {2}store +${store.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +GOTO_GRANT_STORE$`, 'm'),
      );
      expect(run.stdout).toMatch(
        new RegExp(
          `^ {2}encryption +AES-256-GCM +GOTO_GRANT_STORE_KEY, key ${keyIdOf(Buffer.from(testStoreKey, 'base64'))}$`,
          'm',
        ),
      );
      expect(run.stdout).toMatch(/^ {2}version +2$/m);
      expect(run.stdout).toMatch(/^ {2}state +ok$/m);
      expect(run.stdout).toMatch(/^ {2}last written +3 h ago +at .* UTC by ci-runner-7\/4242\/run-17\/0a1b2c3d$/m);
      expect(run.stdout).toMatch(/^ {2}GOTO_REFRESH_TOKEN +set +grant store +sha256:/m);
      // The minutes left depend on when the child ran (a loaded machine takes minutes): the end does not.
      const until = (record.accessTokenExpiresAt ?? '').slice(0, 16).replace('T', ' ');
      const access = new RegExp(`^ {2}access token +valid for (\\d+) min +until ${until} UTC$`, 'm').exec(run.stdout);
      expect(access, 'the access token valid until the record says').not.toBeNull();
      expect(Number(access?.[1]), 'for at most the 42 minutes it had when stored').toBeLessThanOrEqual(42);
      expect(run.stdout).toMatch(/^ {2}refresh token +17 days left of 30 days +issued 12 days ago/m);
      expect(run.stdout).toMatch(/^ {2}principal +organizer@example\.com/m);
      expect(run.stdout, "the record's scopes, not the tokens' claims").toMatch(
        /^ {2}grant +identity:scim\.me collab: +the grant store's record$/m,
      );
      expect(run.stdout).toContain('OK: the refresh token has 17 days left.');
      expect(run.stdout, 'no note about holders the store does not see').not.toContain('this file is one holder');
      expectNoSecret(run, [record.refreshToken, record.accessToken]);
    });

    test('reads without taking the lease or writing: the record and another holder’s lease are as they were', async ({}, testInfo) => {
      const env = await sealedGrantEnv(backend);
      await storeGrant(env, jwtGrant({ ageMs: 2 * DAY, accessMs: HOUR }));
      const holder = await openGrantStore(env);
      try {
        expect(await holder.acquireLease('another-holder', 120_000)).toEqual({ acquired: true });
        const before = await rawGrant(backend, env);

        const run = await runScript('status', {
          ...env,
          GOTO_ENV_FILE: await clientEnvFile(testInfo.outputPath('s.env')),
        });

        expect(run.exitCode, run.stderr).toBe(0);
        expect(await rawGrant(backend, env), 'every byte of the record and the lease').toBe(before);
        expect(before).toContain('another-holder');
      } finally {
        await holder.releaseLease('another-holder');
        await holder.close();
      }
    });

    test('exits 1 on a grant marked needs-reauth, saying who marked it and to authorize again, also with --strict', async ({}, testInfo) => {
      const env = await sealedGrantEnv(backend);
      await storeGrant(env, jwtGrant({ ageMs: 2 * DAY, accessMs: HOUR }));
      const store = await openGrantStore(env);
      try {
        const read = await store.read();
        if (!read) throw new Error('no grant');
        expect(await store.markNeedsReauth(read, { writtenBy: 'app-instance-2/99/-/beefcafe' })).toMatchObject({
          committed: true,
        });
      } finally {
        await store.close();
      }
      const envFile = await clientEnvFile(testInfo.outputPath('s.env'));

      for (const args of [[], ['--strict']]) {
        const run = await runScript('status', { ...env, GOTO_ENV_FILE: envFile }, args);

        expect(run.exitCode, `${args.join(' ')} ${run.stderr}`).toBe(1);
        expect(run.stdout).toMatch(/^ {2}state +needs-reauth +GoTo refused its refresh token$/m);
        expect(run.stdout).toMatch(
          /^The grant in the grant store needs a new authorization: GoTo refused its refresh token, and app-instance-2\/99\/-\/beefcafe marked it needs-reauth \d+ s ago;/m,
        );
        expect(run.stdout).toContain('What to do: authorize again: `npx playwright test --project=authorize`');
        expect(run.stdout, 'one verdict on the tokens, not two').not.toContain('No usable token');
      }
    });
  });
}

test('exits 1 when the store holds no grant of that name, saying how to move one in', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);

  const run = await runScript('status', { ...env, GOTO_ENV_FILE: await clientEnvFile(testInfo.outputPath('s.env')) });

  expect(run.exitCode, run.stderr).toBe(1);
  expect(run.stdout).toMatch(/^ {2}grant +none stored +npm run grant -- move-to-store$/m);
  expect(run.stdout).toContain(`No grant in the grant store (Redis at 127.0.0.1:`);
  expect(run.stdout).toContain('`npm run grant -- move-to-store`');
  expect(await rawGrant(backend, env), 'nothing was written').toBe('[[],null]');
});

test('warns, and fails under --strict, when the env file also holds a refresh token beside the store’s', async ({}, testInfo) => {
  const backend = backends[1]!;
  const env = await sealedGrantEnv(backend);
  const record = jwtGrant({ ageMs: 1.5 * DAY, accessMs: HOUR });
  await storeGrant(env, record);
  const copy = refreshToken(5 * DAY);
  const envFile = await clientEnvFile(testInfo.outputPath('s.env'), [`GOTO_REFRESH_TOKEN=${copy}`]);

  const plain = await runScript('status', { ...env, GOTO_ENV_FILE: envFile });
  const strict = await runScript('status', { ...env, GOTO_ENV_FILE: envFile }, ['--strict']);

  expect(plain.exitCode, plain.stderr).toBe(0);
  expect(plain.stdout).toContain(
    "Warning: GOTO_REFRESH_TOKEN is also set in the env file, a second copy beside the grant store's",
  );
  expect(plain.stdout).toContain('`npm run grant -- move-to-store`');
  expect(plain.stdout, "the store's refresh token is the one assessed").toMatch(/^ {2}refresh token +28 days left/m);
  expect(strict.exitCode).toBe(1);
  expectNoSecret(plain, [copy, record.refreshToken, record.accessToken]);
});

test('warns when GOTO_GRANT_STORE is set in the env file only, where nothing reads it, and reports the env file’s tokens', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);
  const own = refreshToken(2 * DAY);
  const envFile = await clientEnvFile(testInfo.outputPath('s.env'), [
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    `GOTO_REFRESH_TOKEN=${own}`,
  ]);

  const run = await runScript('status', { GOTO_ENV_FILE: envFile });

  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain(`GoTo token status: ${envFile}`);
  expect(run.stdout).toMatch(/^ {2}GOTO_REFRESH_TOKEN +set +env file +sha256:/m);
  expect(run.stdout).toContain(
    'Warning: GOTO_GRANT_STORE is set in the env file, where nothing reads it: the collection, status and ' +
      '`npm run grant` take it from the environment only',
  );
  expect(await rawGrant(backend, env), 'the store was not touched').toBe('[[],null]');
  expectNoSecret(run, [own]);
});

test('warns first, and fails under --strict, while a recovery file holds an answer GoTo gave that the store does not have yet', async ({}, testInfo) => {
  const backend = backends[1]!;
  const env = await sealedGrantEnv(backend);
  await storeGrant(env, jwtGrant({ ageMs: 2 * DAY, accessMs: HOUR }));
  const envFile = await clientEnvFile(testInfo.outputPath('s.env'));
  const { hostname, port } = new URL(env.GOTO_GRANT_STORE ?? '');
  const recovery = storeRecoveryPath(envFile, {
    kind: 'postgres',
    address: `${hostname}:${port}`,
    grant: env.GOTO_GRANT_NAME ?? '',
  });
  const kept = refreshToken(0);
  await writeFile(recovery, `GOTO_REFRESH_TOKEN=${kept}\n`, { mode: 0o600 });

  const plain = await runScript('status', { ...env, GOTO_ENV_FILE: envFile });
  const strict = await runScript('status', { ...env, GOTO_ENV_FILE: envFile }, ['--strict']);

  expect(plain.exitCode, plain.stderr).toBe(0);
  expect(plain.stdout).toContain(
    `Warning: the recovery file ${JSON.stringify(recovery)} holds GOTO_REFRESH_TOKEN that a run on this machine ` +
      'got from GoTo but could not commit to the grant store',
  );
  expect(plain.stdout.indexOf('Warning: the recovery file')).toBeLessThan(plain.stdout.indexOf('OK: the refresh'));
  expect(strict.exitCode).toBe(1);
  expectNoSecret(plain, [kept]);
});

for (const scheme of ['redis', 'postgres'] as const) {
  test(`with a ${scheme} store that does not answer, exits 2 naming it by host:port, never its password`, async ({}, testInfo) => {
    const port = await closedPort();
    const url = `${scheme}://goto:${testServerPassword}@127.0.0.1:${port}${scheme === 'postgres' ? '/postgres' : ''}`;

    const run = await runScript('status', {
      GOTO_GRANT_STORE: url,
      GOTO_GRANT_STORE_KEY: testStoreKey,
      GOTO_ENV_FILE: await clientEnvFile(testInfo.outputPath('s.env')),
    });

    expect(run.exitCode).toBe(2);
    const kind = scheme === 'redis' ? 'Redis' : 'PostgreSQL';
    expect(run.stderr).toContain(
      `Could not read the grant: the grant store (${kind} at 127.0.0.1:${port}) could not be reached (ECONNREFUSED).`,
    );
    expect(run.stderr).toContain('What to do:');
    expect(run.stdout, 'no report from a store it could not read').toBe('');
    expectNoSecret(run, []);
  });
}

test('without GOTO_GRANT_STORE, reports the env file and never a store', async ({}, testInfo) => {
  const token = refreshToken(2 * DAY);
  const envFile = await clientEnvFile(testInfo.outputPath('s.env'), [`GOTO_REFRESH_TOKEN=${token}`]);

  const run = await runScript('status', { GOTO_ENV_FILE: envFile });

  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain(`GoTo token status: ${envFile}`);
  expect(run.stdout).not.toContain('Grant store');
  expect(run.stdout).toMatch(/^ {2}GOTO_REFRESH_TOKEN +set +env file +sha256:/m);
});
