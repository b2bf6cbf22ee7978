import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import {
  accessToken,
  backends,
  DAY,
  expectNoSecret,
  jwtGrant,
  rawGrant,
  readGrant,
  refreshToken,
  runScript,
  sealedGrantEnv,
  storeGrant,
} from './helpers/store-tools';
import { readEnvValues } from '../../lib/env-file/env-reader';
import { grantFromEnvValues, grantTokenKeys } from '../../lib/grant-transfer/env-grant';
import { updateEnvFile } from './fixtures';
import { runCollection } from './helpers/run-collection';
import { answeringStoreEnv, startRedis } from './helpers/store-servers';

/*
 * `npm run grant -- move-to-store` and `npm run grant -- read-from-store`, as child processes
 * with a scratch env file, against a real Redis and a real PostgreSQL: what the store holds
 * afterwards is read back, and so is the env file, byte for byte where it must be kept.
 */

test.describe.configure({ timeout: 5 * 60_000 });

const HOUR = 60 * 60 * 1000;
const expiry = '2031-03-04T05:06:07.000Z';

/** An env file as a person keeps it: comments, blank lines, export, quotes, the grant among other settings. */
function envText(tokens: { refresh: string; access: string }): string {
  return [
    '# GoTo OAuth client',
    'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000',
    '',
    '# tokens, written by the collection',
    `GOTO_ACCESS_TOKEN=${tokens.access}`,
    `GOTO_ACCESS_TOKEN_EXPIRES_AT=${expiry}`,
    `export GOTO_REFRESH_TOKEN="${tokens.refresh}"`,
    'GOTO_PRINCIPAL=jane@example.com # the organizer',
    'GOTO_ORGANIZER_KEY=8439885694023999999',
    'OTHER_SETTING=kept',
    '',
  ].join('\n');
}

/** The same file after the move: the three token lines gone, every other byte kept. */
const afterMove = [
  '# GoTo OAuth client',
  'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000',
  '',
  '# tokens, written by the collection',
  'GOTO_PRINCIPAL=jane@example.com # the organizer',
  'GOTO_ORGANIZER_KEY=8439885694023999999',
  'OTHER_SETTING=kept',
  '',
].join('\n');

test('move-to-store takes the scopes from GOTO_GRANTED_SCOPE, what GoTo answered, else from the tokens’ sc claims; it leaves the env file with the tokens', () => {
  const writer = { writtenBy: 'test', writtenAt: new Date().toISOString() };
  const opaque = { GOTO_REFRESH_TOKEN: 'opaque-refresh-token', GOTO_ACCESS_TOKEN: 'opaque-access-token' };

  expect(grantFromEnvValues({ ...opaque, GOTO_GRANTED_SCOPE: 'identity:scim.me' }, 'x.env', writer)?.scopes).toBe(
    'identity:scim.me',
  );
  expect(grantFromEnvValues(opaque, 'x.env', writer)?.scopes, 'opaque tokens say nothing').toBeNull();
  const claimed = { GOTO_REFRESH_TOKEN: refreshToken(DAY), GOTO_ACCESS_TOKEN: accessToken(HOUR) };
  expect(grantFromEnvValues(claimed, 'x.env', writer)?.scopes).toBe('identity:scim.me collab:');
  expect(grantTokenKeys, 'what move-to-store removes').toContain('GOTO_GRANTED_SCOPE');
});

for (const backend of backends) {
  test.describe(`on ${backend.name}`, () => {
    test('move-to-store writes the env file’s grant as the store’s first version and removes its tokens from the env file, keeping every other line; no secret printed', async ({}, testInfo) => {
      const env = await sealedGrantEnv(backend);
      const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
      const envFile = testInfo.outputPath('laptop.env');
      await writeFile(envFile, envText(tokens));
      const { port } = new URL(env.GOTO_GRANT_STORE ?? '');

      const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);

      expect(run.exitCode, run.stderr).toBe(0);
      const stored = await readGrant(env);
      expect(stored?.version).toBe(1);
      expect(stored?.record).toMatchObject({
        refreshToken: tokens.refresh,
        accessToken: tokens.access,
        accessTokenExpiresAt: expiry,
        principal: 'jane@example.com',
        organizerKey: '8439885694023999999',
        scopes: 'identity:scim.me collab:',
        state: 'ok',
        writtenBy: expect.stringContaining('/move-to-store/'),
      });
      expect(await readFile(envFile, 'utf8')).toBe(afterMove);
      const kind = backend.name === 'redis' ? 'Redis' : 'PostgreSQL';
      expect(run.stdout).toContain(
        `into the grant store (${kind} at 127.0.0.1:${port}, grant "${env.GOTO_GRANT_NAME}") as version 1, its first.`,
      );
      expect(run.stdout).toContain('Removed GOTO_REFRESH_TOKEN, GOTO_ACCESS_TOKEN, GOTO_ACCESS_TOKEN_EXPIRES_AT from');
      expect(run.stdout, 'encrypted: no warning about tokens in clear').not.toContain('stored in clear');
      expectNoSecret(run, [tokens.refresh, tokens.access]);
    });

    test('read-from-store writes the store’s grant into the env file, says the copy goes stale at the next rotation, and leaves the store as it was', async ({}, testInfo) => {
      const env = await sealedGrantEnv(backend);
      const record = jwtGrant({ ageMs: 2 * DAY, accessMs: HOUR });
      await storeGrant(env, record);
      const before = await rawGrant(backend, env);
      const envFile = testInfo.outputPath('offline.env');
      await writeFile(envFile, '# a laptop\nGOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000\n');

      const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['read-from-store']);

      expect(run.exitCode, run.stderr).toBe(0);
      expect(readEnvValues(envFile)).toEqual({
        GOTO_CLIENT_ID: 'a2094c4f-0000-4000-8000-000000000000',
        GOTO_REFRESH_TOKEN: record.refreshToken,
        GOTO_ACCESS_TOKEN: record.accessToken,
        GOTO_ACCESS_TOKEN_EXPIRES_AT: record.accessTokenExpiresAt,
        GOTO_PRINCIPAL: record.principal,
        GOTO_ORGANIZER_KEY: record.organizerKey,
        GOTO_GRANTED_SCOPE: record.scopes,
      });
      expect(await readFile(envFile, 'utf8')).toMatch(/^# a laptop\n/);
      expect(await rawGrant(backend, env), 'no write, no lease left behind').toBe(before);
      expect(run.stdout).toContain('Wrote version 1 of the grant in the grant store');
      expect(run.stdout).toContain('This copy goes stale at the next rotation');
      expectNoSecret(run, [record.refreshToken, record.accessToken]);
    });
  });
}

test('move-to-store refuses, changing nothing, when the store holds a newer live grant, and replaces it as the next version with --force', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);
  const live = jwtGrant({ ageMs: 1 * DAY, accessMs: HOUR });
  await storeGrant(env, live);
  const before = await rawGrant(backend, env);
  const tokens = { refresh: refreshToken(10 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('old.env');
  await writeFile(envFile, envText(tokens));

  const refused = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);

  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toMatch(/already holds a live grant \(version 1, its refresh token issued 20\d\d-/);
  expect(refused.stderr).toContain('`--force`');
  expect(refused.stderr).toContain('Nothing was changed.');
  expect(await rawGrant(backend, env), 'the store as it was').toBe(before);
  expect(await readFile(envFile, 'utf8'), 'the env file as it was').toBe(envText(tokens));

  const forced = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store', '--force']);

  expect(forced.exitCode, forced.stderr).toBe(0);
  expect(forced.stdout).toContain('as version 2, over version 1 (ok).');
  const stored = await readGrant(env);
  expect([stored?.version, stored?.record.refreshToken]).toEqual([2, tokens.refresh]);
  expect(await readFile(envFile, 'utf8')).toBe(afterMove);
  expectNoSecret(refused, [tokens.refresh, live.refreshToken]);
});

test('move-to-store replaces an older live grant without --force when the env file’s refresh token was issued later', async ({}, testInfo) => {
  const backend = backends[1]!;
  const env = await sealedGrantEnv(backend);
  await storeGrant(env, jwtGrant({ ageMs: 20 * DAY, accessMs: -HOUR }));
  const tokens = { refresh: refreshToken(1 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('new.env');
  await writeFile(envFile, envText(tokens));

  const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);

  expect(run.exitCode, run.stderr).toBe(0);
  const stored = await readGrant(env);
  expect([stored?.version, stored?.record.refreshToken]).toEqual([2, tokens.refresh]);
});

test('move-to-store over a grant marked needs-reauth writes the next version in state ok, no --force needed', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);
  await storeGrant(env, jwtGrant({ ageMs: 1 * DAY, accessMs: HOUR }));
  const store = await openGrantStore(env);
  try {
    const read = await store.read();
    if (!read) throw new Error('no grant');
    await store.markNeedsReauth(read, { writtenBy: 'app' });
  } finally {
    await store.close();
  }
  const tokens = { refresh: refreshToken(10 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('reauthorized.env');
  await writeFile(envFile, envText(tokens));

  const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);

  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain('as version 3, over version 2 (needs-reauth).');
  const stored = await readGrant(env);
  expect([stored?.version, stored?.record.state, stored?.record.refreshToken]).toEqual([3, 'ok', tokens.refresh]);
});

test('move-to-store run again after the store took the grant writes no new version and still removes the env file’s copy', async ({}, testInfo) => {
  const backend = backends[1]!;
  const env = await sealedGrantEnv(backend);
  const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('again.env');
  await writeFile(envFile, envText(tokens));
  await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);
  const before = await rawGrant(backend, env);
  // As if the first run had stopped before it cleaned the env file.
  await writeFile(envFile, envText(tokens));

  const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store']);

  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toContain('already holds the refresh token of');
  expect(await rawGrant(backend, env)).toBe(before);
  expect(await readFile(envFile, 'utf8')).toBe(afterMove);
});

test('move-to-store waits for another holder’s lease, saying whose, and writes only once it is released', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);
  const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('waits.env');
  await writeFile(envFile, envText(tokens));
  const holder = await openGrantStore(env);
  try {
    expect(await holder.acquireLease('refreshing-holder', 60_000)).toEqual({ acquired: true });
    let whileHeld: Promise<unknown> | undefined;

    const run = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['move-to-store'], {
      onStderr: (soFar) => {
        if (whileHeld || !soFar.includes('Waiting for the lease of the grant store')) return;
        // The move is waiting: it has written nothing yet; then the holder is done.
        whileHeld = readGrant(env).then(async (stored) => {
          await holder.releaseLease('refreshing-holder');
          return stored;
        });
      },
    });

    expect(run.stderr).toContain('held by refreshing-holder');
    expect(await whileHeld, 'nothing written while the lease was held').toBeUndefined();
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await readGrant(env))?.record.refreshToken).toBe(tokens.refresh);
  } finally {
    await holder.close();
  }
});

test('move-to-store refuses when the env file holds no refresh token, and when a recovery file holds tokens an earlier run could not write', async ({}, testInfo) => {
  const backend = backends[1]!;
  const env = await sealedGrantEnv(backend);
  const empty = testInfo.outputPath('empty.env');
  await writeFile(empty, 'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000\n');
  const waiting = testInfo.outputPath('waiting.env');
  const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
  await writeFile(waiting, envText(tokens));
  await writeFile(`${waiting}.recovery`, `GOTO_REFRESH_TOKEN=${refreshToken(0)}\n`);

  const nothing = await runScript('grant', { ...env, GOTO_ENV_FILE: empty }, ['move-to-store']);
  const recovery = await runScript('grant', { ...env, GOTO_ENV_FILE: waiting }, ['move-to-store']);

  expect(nothing.exitCode).toBe(1);
  expect(nothing.stderr).toContain('holds no GOTO_REFRESH_TOKEN, so there is no grant to move.');
  expect(recovery.exitCode).toBe(1);
  expect(recovery.stderr).toContain('the recovery file beside');
  expect(recovery.stderr).toContain('run `npx playwright test --grep @refresh`');
  expect(await readGrant(env), 'the store holds nothing').toBeUndefined();
  expect(await readFile(waiting, 'utf8')).toBe(envText(tokens));
});

test('read-from-store refuses to overwrite another refresh token in the env file unless --force, and refuses a grant marked needs-reauth', async ({}, testInfo) => {
  const backend = backends[0]!;
  const env = await sealedGrantEnv(backend);
  const record = jwtGrant({ ageMs: 2 * DAY, accessMs: HOUR });
  await storeGrant(env, record);
  const own = { refresh: refreshToken(5 * DAY), access: accessToken(HOUR) };
  const envFile = testInfo.outputPath('own.env');
  await writeFile(envFile, envText(own));

  const refused = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['read-from-store']);

  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toContain('holds a refresh token other than the one in');
  expect(await readFile(envFile, 'utf8')).toBe(envText(own));

  const forced = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['read-from-store', '--force']);

  expect(forced.exitCode, forced.stderr).toBe(0);
  expect(readEnvValues(envFile).GOTO_REFRESH_TOKEN).toBe(record.refreshToken);

  const store = await openGrantStore(env);
  try {
    const read = await store.read();
    if (!read) throw new Error('no grant');
    await store.markNeedsReauth(read, { writtenBy: 'app' });
  } finally {
    await store.close();
  }
  const dead = await runScript('grant', { ...env, GOTO_ENV_FILE: envFile }, ['read-from-store', '--force']);

  expect(dead.exitCode).toBe(1);
  expect(dead.stderr).toContain('is marked needs-reauth');
  expectNoSecret(refused, [own.refresh, record.refreshToken]);
});

test('refuses without GOTO_GRANT_STORE, and names an unknown command with the usage', async ({}, testInfo) => {
  const envFile = testInfo.outputPath('plain.env');
  const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
  await writeFile(envFile, envText(tokens));

  const unset = await runScript('grant', { GOTO_ENV_FILE: envFile }, ['move-to-store']);
  const unknown = await runScript('grant', { GOTO_ENV_FILE: envFile }, ['move-to-vercel']);
  const flag = await runScript('grant', { GOTO_ENV_FILE: envFile }, ['move-to-store', '--forse']);

  expect(unset.exitCode).toBe(1);
  expect(unset.stderr).toContain('GOTO_GRANT_STORE is not set');
  expect(unknown.exitCode).toBe(2);
  expect(unknown.stderr).toContain('Unknown command "move-to-vercel".\nUsage: npm run grant -- move-to-store');
  expect(flag.exitCode).toBe(2);
  expect(flag.stderr).toContain("Unknown option '--forse'");
  expect(await readFile(envFile, 'utf8')).toBe(envText(tokens));
});

test('move-to-store with a store that does not answer names it by host:port, leaves the env file as it was, and prints no password', async ({}, testInfo) => {
  const envFile = testInfo.outputPath('unreachable.env');
  const tokens = { refresh: refreshToken(3 * DAY), access: accessToken(HOUR) };
  await writeFile(envFile, envText(tokens));
  const env = await sealedGrantEnv(backends[0]!);
  const url = new URL(env.GOTO_GRANT_STORE ?? '');
  // Port 1 of 127.0.0.1: nothing listens there.
  url.port = '1';

  const run = await runScript('grant', { ...env, GOTO_GRANT_STORE: url.toString(), GOTO_ENV_FILE: envFile }, [
    'move-to-store',
  ]);

  expect(run.exitCode).toBe(1);
  expect(run.stderr).toContain('the grant store (Redis at 127.0.0.1:1) could not be reached (ECONNREFUSED)');
  expect(await readFile(envFile, 'utf8')).toBe(envText(tokens));
  expectNoSecret(run, [tokens.refresh, tokens.access]);
});

test('a grant moved in from the env file is the one the next run of the collection refreshes with, through the store', async ({
  sandbox,
  emulator,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  // A server of its own: the collection uses the store's `default` grant.
  const redis = await startRedis();
  try {
    await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
    // The access token no longer fresh, so the run must refresh with the refresh token moved in.
    await updateEnvFile(sandbox.envFile, { GOTO_ACCESS_TOKEN_EXPIRES_AT: new Date(Date.now() - 60_000).toISOString() });
    const moved = readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN;
    const env = { ...sandbox.env, ...answeringStoreEnv(redis.url) };

    const move = await runScript('grant', env, ['move-to-store']);

    expect(move.exitCode, move.stderr).toBe(0);
    expect(readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN, 'the env file keeps no copy').toBeUndefined();
    const before = (await emulator.requests(sandbox.client.clientId)).length;

    const run = await runCollection(env, [
      'tests/collection/10-tokens.spec.ts',
      '--reporter=line',
      `--output=${testInfo.outputPath('run')}`,
    ]);

    expect(run.exitCode, run.output).toBe(0);
    const refreshes = (await emulator.requests(sandbox.client.clientId))
      .slice(before)
      .filter((request) => request.form?.grant_type === 'refresh_token');
    expect(
      refreshes.map((request) => request.form?.refresh_token),
      'one refresh, with the moved token',
    ).toEqual([moved]);
    const stored = await readGrant(env);
    expect(stored?.version, 'the refresh committed over the moved version').toBe(2);
    expect(readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN, 'still no copy in the env file').toBeUndefined();
  } finally {
    await redis.stop();
  }
});
