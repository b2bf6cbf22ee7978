import { copyFile } from 'node:fs/promises';
import {
  expect,
  readEnvValues,
  stepCustody,
  stepSender,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { TokenChain } from '../../lib/chain/token-chain';
import type { Env } from '../../lib/config/env-target';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { runCollection, startCollection } from './helpers/run-collection';
import { answeringStoreEnv, startRedis, type TestServer } from './helpers/store-servers';

/*
 * `npx playwright test` with GOTO_GRANT_STORE set: the `accessToken` fixture, the refresh step,
 * the code exchange and the browser `authorize` project go through the grant store's protocol
 * (lib/custody/store-custody.ts, in the token custodian), against a real Redis of the test's
 * own (the collection uses the store's `default` grant) and the emulator as GoTo in its
 * strictest mode. Each run has an env file and an output folder of its own, as CI machines do.
 */

test.describe.configure({ timeout: 5 * 60_000 });

const tokenKeys = ['GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN', 'GOTO_ACCESS_TOKEN_EXPIRES_AT', 'GOTO_AUTH_CODE'];
const checks = ['tests/collection/10-tokens.spec.ts', 'tests/collection/20-api-checks.spec.ts'];

let redis: TestServer;
test.beforeEach(async () => {
  redis = await startRedis();
});
test.afterEach(async () => {
  await redis.stop();
});

/** A machine's env file: the sandbox's client settings, no token. */
async function machine(sandbox: Sandbox, name: string): Promise<Env> {
  const envFile = test.info().outputPath(`${name}.env`);
  await copyFile(sandbox.envFile, envFile);
  return { ...sandbox.env, GOTO_ENV_FILE: envFile, ...answeringStoreEnv(redis.url) };
}

async function stored(env: Env) {
  const store = await openGrantStore(env);
  try {
    return await store.read();
  } finally {
    await store.close();
  }
}

/** The grant a laptop exchanged into the store (version 1), its access token fresh. */
async function laptopGrant(sandbox: Sandbox, emulator: EmulatorControl): Promise<Env> {
  const laptop = await machine(sandbox, 'laptop');
  const chain = new TokenChain(stepSender(), laptop, { custody: stepCustody(test.info()) });
  await chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  return laptop;
}

/** The grant as a laptop put it in the store (version 2 here), its access token no longer fresh: the next run refreshes. */
async function staleGrant(sandbox: Sandbox, emulator: EmulatorControl) {
  const laptop = await laptopGrant(sandbox, emulator);
  const store = await openGrantStore(laptop);
  try {
    const first = await store.read();
    if (!first) throw new Error('the exchange stored no grant');
    const stale = { ...first.record, accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() };
    await store.commit(first.version, stale);
    return { laptop, first };
  } finally {
    await store.close();
  }
}

const run = (env: Env, name: string, args: string[] = checks) =>
  runCollection(env, [...args, '--reporter=line', `--output=${test.info().outputPath(name)}`]);

test('a first run with a pasted code exchanges it into the store, removes it from its env file and proves the refresh token with one refresh; its env file holds no token', async ({
  sandbox,
  emulator,
}) => {
  const env = await machine(sandbox, 'laptop');
  await updateEnvFile(env.GOTO_ENV_FILE ?? '', {
    GOTO_AUTH_CODE: (await emulator.issueCode(sandbox.client.clientId)).code,
  });

  const result = await run(env, 'first-run');

  expect(result.exitCode, result.output).toBe(0);
  const received = await emulator.requests(sandbox.client.clientId);
  expect(received.filter((request) => request.route === 'token').map((request) => request.form?.grant_type)).toEqual([
    'authorization_code',
    'refresh_token',
  ]);
  const grant = await stored(env);
  expect(grant, 'the exchange is version 1, the refresh version 2').toMatchObject({
    version: 2,
    record: { state: 'ok' },
  });
  const live = (await emulator.refreshTokens(sandbox.client.clientId)).at(-1);
  expect(live?.current && grant?.record.refreshToken === live.token, 'the store holds the live refresh token').toBe(
    true,
  );
  const values = readEnvValues(env.GOTO_ENV_FILE ?? '');
  expect(
    tokenKeys.filter((key) => key in values),
    'no token and no code in the env file',
  ).toEqual([]);
});

test('two runs at once, each with an env file and output folder of its own, sharing one Redis store: one refresh between them, and both pass', async ({
  sandbox,
  emulator,
}) => {
  const { laptop, first } = await staleGrant(sandbox, emulator);
  const [ciA, ciB] = await Promise.all([machine(sandbox, 'ci-a'), machine(sandbox, 'ci-b')]);

  const [a, b] = await Promise.all([run(ciA, 'ci-a'), run(ciB, 'ci-b')]);

  expect(a.exitCode, a.output).toBe(0);
  expect(b.exitCode, b.output).toBe(0);
  const received = await emulator.requests(sandbox.client.clientId);
  const refreshes = received.filter((request) => request.form?.grant_type === 'refresh_token');
  expect(refreshes, 'one refresh for both runs').toHaveLength(1);
  expect(refreshes[0]?.form?.refresh_token === first?.record.refreshToken, 'with the stored refresh token').toBe(true);
  const grant = await stored(laptop);
  expect(grant).toMatchObject({ version: 3, record: { state: 'ok' } });
  const bearers = new Set(
    received
      .filter((request) => request.route === 'users-me' || request.route === 'webinars')
      .map((r) => r.headers.authorization),
  );
  expect([...bearers], 'every check of both runs used the refreshed access token').toEqual([
    `Bearer ${grant?.record.accessToken}`,
  ]);
  for (const env of [ciA, ciB])
    expect(tokenKeys.filter((key) => key in readEnvValues(env.GOTO_ENV_FILE ?? ''))).toEqual([]);
});

test('a store that says needs-reauth fails a run at once, saying authorize again, with nothing sent; a new pasted code becomes the next version and clears it', async ({
  sandbox,
  emulator,
}, testInfo) => {
  const env = await machine(sandbox, 'ci');
  const chain = new TokenChain(stepSender(), env, { custody: stepCustody(testInfo) });
  await chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  const store = await openGrantStore(env);
  await store.markNeedsReauth((await store.read()) ?? ({} as never), { writtenBy: 'a holder that got invalid_grant' });
  await store.close();
  const sent = (await emulator.requests(sandbox.client.clientId)).length;

  const refused = await run(env, 'refused');

  expect(refused.exitCode).toBe(1);
  expect(refused.output).toContain('needs authorizing again');
  expect(refused.output).toContain('What to do: authorize again');
  expect((await emulator.requests(sandbox.client.clientId)).length, 'nothing was sent').toBe(sent);

  await updateEnvFile(env.GOTO_ENV_FILE ?? '', {
    GOTO_AUTH_CODE: (await emulator.issueCode(sandbox.client.clientId)).code,
  });
  const again = await run(env, 'again');
  expect(again.exitCode, again.output).toBe(0);
  expect(await stored(env), 'the new grant is version 3, refreshed as version 4').toMatchObject({
    version: 4,
    record: { state: 'ok' },
  });
});

test('the browser authorize project on the emulator puts its new grant in the store as the next version, after the collection’s own', async () => {
  const env: Env = {
    GOTO_TARGET: 'emulator',
    ...answeringStoreEnv(redis.url),
    GOTO_ENV_FILE: test.info().outputPath('laptop.env'),
  };

  const result = await run(env, 'authorize', ['--project=authorize']);

  expect(result.exitCode, result.output).toBe(0);
  expect(result.output).toMatch(/\[authorize\].*logs in, exchanges the code/);
  // The collection: exchange (1), refresh (2); authorize: exchange (3), refresh (4).
  expect(await stored(env)).toMatchObject({ version: 4, record: { state: 'ok' } });
  expect(tokenKeys.filter((key) => key in readEnvValues(env.GOTO_ENV_FILE ?? ''))).toEqual([]);
});

test('a run killed (SIGKILL to its process group, as a CI cancel) while GoTo holds back the refresh answer: the custodian commits it to the store, and the next run on another machine passes with no second refresh', async ({
  sandbox,
  emulator,
}, testInfo) => {
  const { first } = await staleGrant(sandbox, emulator);
  await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });
  const refreshes = async () =>
    (await emulator.requests(sandbox.client.clientId)).filter(
      (request) => request.form?.grant_type === 'refresh_token',
    );

  const killed = startCollection(await machine(sandbox, 'ci-a'), [
    ...checks,
    '--reporter=line',
    `--output=${testInfo.outputPath('killed')}`,
  ]);
  await expect.poll(async () => (await refreshes()).length, { timeout: 60_000 }).toBe(1);
  killed.signal('SIGKILL', 'group');
  await killed.done;
  await emulator.releaseHeld(sandbox.client.clientId);
  await expect
    .poll(async () => (await stored(await machine(sandbox, 'probe')))?.version, { timeout: 60_000 })
    .toBe(first.version + 2);

  const next = await run(await machine(sandbox, 'ci-b'), 'next');
  expect(next.exitCode, next.output).toBe(0);
  expect(await refreshes(), 'the answer the killed run got serves the next run').toHaveLength(1);
  const live = (await emulator.refreshTokens(sandbox.client.clientId)).at(-1);
  expect(live?.current && (await stored(await machine(sandbox, 'probe')))?.record.refreshToken === live.token).toBe(
    true,
  );
});

test('a pasted code issued to another client is refused before anything is sent, and the store stays empty', async ({
  sandbox,
  emulator,
}) => {
  const ci = await machine(sandbox, 'ci');
  const other = await emulator.createClient();
  const { code } = await emulator.issueCode(other.clientId);
  const chain = new TokenChain(stepSender(), ci, { custody: stepCustody(test.info()) });

  await expect(chain.exchangeCode({ code })).rejects.toMatchObject({ code: 'AUTH_CODE_OTHER_CLIENT' });

  const tokenRequests = async (clientId: string) =>
    (await emulator.requests(clientId)).filter((request) => request.route === 'token');
  expect(await tokenRequests(sandbox.client.clientId), 'no token request under this client').toEqual([]);
  expect(await tokenRequests(other.clientId), 'nor under the code’s').toEqual([]);
  expect(await stored(ci), 'the store holds no grant').toBeUndefined();
});

const tokenRequests = async (emulator: EmulatorControl, clientId: string) =>
  (await emulator.requests(clientId)).filter((request) => request.route === 'token');

test('after a failed token request through the store, the run’s later checks send no token request of their own, though GoTo would now answer one', async ({
  sandbox,
  emulator,
}) => {
  const { laptop, first } = await staleGrant(sandbox, emulator);
  // Refused once, and not with invalid_grant (that would mark the grant needs-reauth): the
  // refresh token still works, so a later check that refreshed on its own would pass.
  await emulator.addFault(sandbox.client.clientId, {
    route: 'token',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: '{"error":"invalid_request","error_description":"emulated failure"}',
  });
  const before = (await tokenRequests(emulator, sandbox.client.clientId)).length;

  const result = await run(await machine(sandbox, 'ci'), 'ci', [...checks, '--workers=2']);

  expect(result.exitCode, 'the run fails').toBe(1);
  const sent = (await tokenRequests(emulator, sandbox.client.clientId)).slice(before);
  expect(
    sent.map((request) => request.form?.grant_type),
    'the refused refresh is the run’s only token request',
  ).toEqual(['refresh_token']);
  expect(await stored(laptop), 'the store keeps the grant as it was').toMatchObject({
    version: first.version + 1,
    record: { state: 'ok', refreshToken: first.record.refreshToken },
  });
});

test('with GOTO_TOKEN_REQUESTS=off, a run’s checks use the access token the store holds and send no token request', async ({
  sandbox,
  emulator,
}) => {
  const laptop = await laptopGrant(sandbox, emulator);
  const grant = await stored(laptop);
  const before = (await tokenRequests(emulator, sandbox.client.clientId)).length;

  const shard = { ...(await machine(sandbox, 'shard')), GOTO_TOKEN_REQUESTS: 'off' };
  const result = await run(shard, 'shard', ['tests/collection/20-api-checks.spec.ts']);

  expect(result.exitCode, result.output).toBe(0);
  expect((await tokenRequests(emulator, sandbox.client.clientId)).slice(before), 'no token request').toEqual([]);
  const bearers = new Set(
    (await emulator.requests(sandbox.client.clientId))
      .filter((request) => request.route === 'users-me' || request.route === 'webinars')
      .map((request) => request.headers.authorization),
  );
  expect([...bearers], 'every check used the stored access token').toEqual([`Bearer ${grant?.record.accessToken}`]);
});

test('with GOTO_TOKEN_REQUESTS=off and a stored access token near its end, a run fails naming the store, with nothing sent and the record unchanged', async ({
  sandbox,
  emulator,
}) => {
  const { laptop } = await staleGrant(sandbox, emulator);
  const grant = await stored(laptop);
  const before = (await emulator.requests(sandbox.client.clientId)).length;

  const shard = { ...(await machine(sandbox, 'shard')), GOTO_TOKEN_REQUESTS: 'off' };
  const result = await run(shard, 'shard', ['tests/collection/20-api-checks.spec.ts']);

  expect(result.exitCode).toBe(1);
  expect(result.output).toContain('GOTO_TOKEN_REQUESTS is off');
  expect(result.output).toContain(`Redis at ${redis.host}:${redis.port}`);
  expect((await emulator.requests(sandbox.client.clientId)).length, 'nothing was sent').toBe(before);
  expect(await stored(laptop), 'the record is as it was').toEqual(grant);
});
