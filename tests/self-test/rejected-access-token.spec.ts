import { randomUUID } from 'node:crypto';
import type { TestInfo } from '@playwright/test';
import {
  ApiStatusError,
  envSnapshot,
  expect,
  fingerprint,
  readEnvValues,
  stepCustody,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { TokenChain, type Sender } from '../../lib/chain/token-chain';
import { listWebinarsRequest } from '../../requests';
import { runCollection, startCollection } from './helpers/run-collection';
import { markRequests } from './helpers/received-since';
import type { ReceivedRequest } from '../../emulator/control-client';

/*
 * An access token GoTo rejects in the middle of a run (revoked, or expired early): Users/me
 * answers 401, the Webinar API 403 InvalidToken (requests/api-endpoint.ts, `rejectsToken`). The
 * check refreshes once, through custody like every token request, and repeats its call once;
 * a second rejection fails with advice. Against the emulator, whose control API revokes
 * access tokens, with a sandbox per test.
 */

// Whole `playwright test` runs in two of these tests: timeouts for a loaded machine, not for speed.
test.describe.configure({ timeout: 5 * 60_000 });

type Fault = Parameters<EmulatorControl['addFault']>[1];

/** The sandbox after a first run: tokens and the organizer key in the env file. */
async function authorized(sandbox: Sandbox, emulator: EmulatorControl): Promise<void> {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  await sandbox.chain.usersMe();
}

/** What the emulator received for the sandbox's client, by kind. */
function byKind(requests: ReceivedRequest[]) {
  return {
    refreshes: requests.filter((request) => request.form?.grant_type === 'refresh_token'),
    usersMe: requests.filter((request) => request.route === 'users-me'),
    webinars: requests.filter((request) => request.route === 'webinars'),
  };
}

/** The env file holds exactly the access and refresh tokens the emulator still accepts. */
async function expectEnvFileHoldsLiveTokens(emulator: EmulatorControl, sandbox: Sandbox): Promise<void> {
  const stored = envSnapshot(sandbox.envFile);
  const liveAccess = (await emulator.accessTokens(sandbox.client.clientId)).filter((token) => token.active);
  const liveRefresh = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active);
  expect(stored.GOTO_ACCESS_TOKEN, 'the env file holds the newest access token').toBe(
    fingerprint(liveAccess.at(-1)?.token ?? ''),
  );
  expect(
    liveRefresh.map((token) => fingerprint(token.token)),
    'and the one refresh token the server accepts',
  ).toEqual([stored.GOTO_REFRESH_TOKEN]);
}

/** GoTo's answers to a rejected access token (RFC 6750 §3.1; n8n-io/n8n issue 14077), as canned answers. */
const usersMeRejects: Fault = {
  route: 'users-me',
  status: 401,
  headers: { 'www-authenticate': 'Bearer error="invalid_token",error_description="The access token was revoked"' },
};
const webinarsReject: Fault = {
  route: 'webinars',
  status: 403,
  headers: { 'content-type': 'application/json' },
  body: '{"int_err_code":"InvalidToken","msg":"Invalid token passed"}',
};

const nextMonth = () => ({ fromTime: new Date(), toTime: new Date(Date.now() + 30 * 864e5) });

const checks = [
  {
    api: 'Users/me',
    rejection: '401',
    route: 'usersMe' as const,
    call: (sandbox: Sandbox) => sandbox.chain.usersMe(),
    twice: { ...usersMeRejects, times: 2 },
    says: 'HTTP 401 invalid_token ("The access token was revoked")',
  },
  {
    api: 'the webinar list',
    rejection: '403 InvalidToken',
    route: 'webinars' as const,
    call: (sandbox: Sandbox) => sandbox.chain.listWebinars(nextMonth()),
    twice: { ...webinarsReject, times: 2 },
    says: 'HTTP 403 InvalidToken ("Invalid token passed")',
  },
];

for (const check of checks) {
  test(`${check.api} answering ${check.rejection} for a revoked access token passes after one refresh: the server received one refresh and two calls`, async ({
    sandbox,
    emulator,
  }) => {
    // Every refresh rotates, so the env file must end with the new refresh token too.
    await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh' });
    await authorized(sandbox, emulator);
    const revokedToken = readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? '';
    const refreshToken = readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN ?? '';
    expect(await emulator.revokeAccessTokens(sandbox.client.clientId, revokedToken)).toBe(1);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    await check.call(sandbox);

    const received = byKind(await mark.received());
    expect(received.refreshes, 'one refresh').toHaveLength(1);
    expect(received.refreshes[0]?.form?.refresh_token === refreshToken, 'with the stored refresh token').toBe(true);
    const calls = received[check.route];
    expect(calls, 'two calls').toHaveLength(2);
    const bearers = calls.map((request) => fingerprint(request.headers.authorization?.replace(/^Bearer /, '') ?? ''));
    expect(bearers, 'the revoked token first, then the refreshed one').toEqual([
      fingerprint(revokedToken),
      envSnapshot(sandbox.envFile).GOTO_ACCESS_TOKEN,
    ]);
    await expectEnvFileHoldsLiveTokens(emulator, sandbox);
  });

  test(`${check.api} answering ${check.rejection} again after the refresh fails with advice to authorize again, and refreshes no more`, async ({
    sandbox,
    emulator,
  }) => {
    await authorized(sandbox, emulator);
    await emulator.addFault(sandbox.client.clientId, check.twice);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    const error = await check.call(sandbox).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiStatusError);
    const { message } = error as ApiStatusError;
    expect(message).toContain(check.says);
    expect(message).toContain('also rejected the access token a refresh had just given');
    expect(message).toContain('Authorize again (`npx playwright test --project=authorize`)');
    const received = byKind(await mark.received());
    expect(received.refreshes, 'one refresh, not two').toHaveLength(1);
    expect(received[check.route], 'two calls, not three').toHaveLength(2);
    await expectEnvFileHoldsLiveTokens(emulator, sandbox);
  });
}

test('two checks that see one revoked access token side by side send one refresh: the second uses the token the first stored', async ({
  sandbox,
  emulator,
}) => {
  await authorized(sandbox, emulator);
  await emulator.revokeAccessTokens(sandbox.client.clientId);
  const mark = await markRequests(emulator, sandbox.client.clientId);

  await Promise.all([sandbox.chain.usersMe(), sandbox.chain.listWebinars(nextMonth())]);

  const received = byKind(await mark.received());
  expect(received.refreshes, 'one refresh for both').toHaveLength(1);
  const stored = `Bearer ${readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN}`;
  expect(
    [received.usersMe.at(-1), received.webinars.at(-1)].map((request) => request?.headers.authorization === stored),
    'both repeated their call with the stored token',
  ).toEqual([true, true]);
});

/**
 * What the `gotoApi` fixture gives a check that set out with the stored access token, after
 * which a refresh (the refresh step in another worker, or another run) stored a new one and,
 * on the emulator's default, revoked the first.
 */
async function setOutBeforeARefresh(sandbox: Sandbox, emulator: EmulatorControl) {
  await authorized(sandbox, emulator);
  const { organizerKey, accessToken: before } = sandbox.chain.settings();
  const mark = await markRequests(emulator, sandbox.client.clientId);
  const api = sandbox.chain.gotoApi(before ?? '', organizerKey ?? '');
  await sandbox.chain.refresh();
  return { api, before, mark };
}

test('a Webinar call with an access token the run’s own refresh revoked passes with the token that refresh stored, sending no refresh of its own', async ({
  sandbox,
  emulator,
}) => {
  // The emulator's default: a refresh revokes the access tokens issued before it (GoTo's 2017 page).
  const { api, before, mark } = await setOutBeforeARefresh(sandbox, emulator);

  await api.call(listWebinarsRequest, nextMonth());

  const received = byKind(await mark.received());
  expect(received.refreshes, 'the refresh step’s refresh, and no other').toHaveLength(1);
  const stored = readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN;
  expect(
    received.webinars.map((request) => request.headers.authorization),
    'the revoked token first, then the one the refresh stored',
  ).toEqual([`Bearer ${before}`, `Bearer ${stored}`]);
});

/**
 * A first run on two workers, as the collection's fixtures build it: two chains of one run (one
 * run ledger), one for the token steps (10-tokens.spec.ts), one for a check in another file. The
 * code is exchanged, the check takes that access token as this run's (`runToken`, sending
 * nothing), then the refresh step refreshes: on the emulator's default that revokes the token
 * the check holds.
 */
async function firstRunOnTwoWorkers(sandbox: Sandbox, emulator: EmulatorControl, send: Sender, testInfo: TestInfo) {
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: (await emulator.issueCode(sandbox.client.clientId)).code });
  const run = { id: randomUUID(), ledger: testInfo.outputPath('run-ledger.json') };
  const worker = () => new TokenChain(send, sandbox.env, { custody: stepCustody(testInfo), run });
  const [tokenSteps, check] = [worker(), worker()];
  await tokenSteps.exchangeCode();
  const exchanged = (await check.runToken()).access_token;
  const api = check.gotoApi(exchanged, (await check.usersMe(exchanged)).id);
  await tokenSteps.refresh();
  return { api, exchanged, mark: await markRequests(emulator, sandbox.client.clientId) };
}

test('on a first run on two workers, a Webinar check whose access token the refresh step revoked goes on with the token that refresh stored: the server received no other refresh', async ({
  sandbox,
  emulator,
  send,
}, testInfo) => {
  const { api, exchanged, mark } = await firstRunOnTwoWorkers(sandbox, emulator, send, testInfo);
  const refreshed = readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN;

  await api.call(listWebinarsRequest, nextMonth());

  const received = byKind(await mark.received());
  expect(received.refreshes, 'none: the refresh step’s answer serves the check').toHaveLength(0);
  expect(
    received.webinars.map((request) => request.headers.authorization),
    'the exchange’s token, revoked, then the one the refresh stored',
  ).toEqual([`Bearer ${exchanged}`, `Bearer ${refreshed}`]);
  await expectEnvFileHoldsLiveTokens(emulator, sandbox);
});

test('on a first run on two workers, a Webinar check that sees the refresh step’s token rejected too fails with advice, sending no refresh', async ({
  sandbox,
  emulator,
  send,
}, testInfo) => {
  const { api, mark } = await firstRunOnTwoWorkers(sandbox, emulator, send, testInfo);
  // The revoked token's call, then the one with the refresh step's token.
  await emulator.addFault(sandbox.client.clientId, { ...webinarsReject, times: 2 });

  const error = await api.call(listWebinarsRequest, nextMonth()).catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiStatusError);
  expect((error as ApiStatusError).message).toContain('also rejected the access token a refresh had just given');
  const received = byKind(await mark.received());
  expect(received.refreshes, 'this run refreshed once already: not again').toHaveLength(0);
  expect(received.webinars, 'the exchange’s token, then the refresh step’s').toHaveLength(2);
});

test('a call whose replacement, stored by another run, is rejected too goes on with the next one: the server received one refresh and three calls', async ({
  sandbox,
  emulator,
}) => {
  const { api, before: first, mark } = await setOutBeforeARefresh(sandbox, emulator);
  const second = readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN;
  // Each is rejected, as when yet another run's refresh revoked the second one too.
  await emulator.addFault(sandbox.client.clientId, { ...webinarsReject, times: 2 });

  await api.call(listWebinarsRequest, nextMonth());

  const received = byKind(await mark.received());
  expect(received.refreshes, 'the other run’s refresh, then one for the second token').toHaveLength(2);
  const third = readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN;
  expect(
    received.webinars.map((request) => request.headers.authorization),
    'its own token, the other run’s, then the one its refresh stored',
  ).toEqual([`Bearer ${first}`, `Bearer ${second}`, `Bearer ${third}`]);
});

test('with GOTO_TOKEN_REQUESTS=off a rejected access token fails the check at once, sending no refresh', async ({
  sandbox,
  emulator,
}) => {
  await authorized(sandbox, emulator);
  await emulator.revokeAccessTokens(sandbox.client.clientId);
  const mark = await markRequests(emulator, sandbox.client.clientId);
  sandbox.env.GOTO_TOKEN_REQUESTS = 'off';

  const error = await sandbox.chain.usersMe().catch((caught: unknown) => caught);

  expect((error as ApiStatusError).status).toBe(401);
  expect((error as ApiStatusError).message).toMatch(/run the refresh step/);
  const received = byKind(await mark.received());
  expect([received.refreshes.length, received.usersMe.length]).toEqual([0, 1]);
});

test('a run whose access token is revoked while its refresh answer is on the way passes: one extra refresh, Users/me asked twice', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await authorized(sandbox, emulator);
  const issuedBefore = (await emulator.accessTokens(sandbox.client.clientId)).length;
  const mark = await markRequests(emulator, sandbox.client.clientId);
  // The run's refresh is handled at once and its answer held, so the new token can be revoked before the run uses it.
  await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });

  const run = startCollection(sandbox.env, [
    'tests/collection/20-api-checks.spec.ts',
    '--workers=1',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);
  await expect
    .poll(async () => (await emulator.accessTokens(sandbox.client.clientId)).length, {
      message: "the run's refresh was handled",
      timeout: 60_000,
    })
    .toBe(issuedBefore + 1);
  const runToken = (await emulator.accessTokens(sandbox.client.clientId)).at(-1)?.token ?? '';
  expect(await emulator.revokeAccessTokens(sandbox.client.clientId, runToken)).toBe(1);
  expect(await emulator.releaseHeld(sandbox.client.clientId), 'the held answer is sent').toBe(1);
  const { exitCode, output } = await run.done;

  expect(exitCode, output).toBe(0);
  expect(output).toContain('2 passed');
  const received = byKind(await mark.received());
  expect(received.refreshes, "the run's refresh and one after the rejection").toHaveLength(2);
  expect(
    received.usersMe.map((request) => request.headers.authorization === `Bearer ${runToken}`),
    'Users/me with the revoked token, then with the new one',
  ).toEqual([true, false]);
  expect(received.webinars, 'the webinar check used the new token at once').toHaveLength(1);
  await expectEnvFileHoldsLiveTokens(emulator, sandbox);
});

test('once GoTo rejected the access token a refresh gave, no later check of the run refreshes again', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await authorized(sandbox, emulator);
  // Users/me: rejected before and after its refresh; then the webinar list rejects that new token too.
  await emulator.addFault(sandbox.client.clientId, { ...usersMeRejects, times: 2 });
  await emulator.addFault(sandbox.client.clientId, webinarsReject);
  const mark = await markRequests(emulator, sandbox.client.clientId);

  const run = await runCollection(sandbox.env, [
    'tests/collection/20-api-checks.spec.ts',
    '--workers=1',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(run.exitCode, run.output).toBe(1);
  expect(run.output).toContain('2 failed');
  expect(run.output).toContain('also rejected the access token a refresh had just given');
  expect(run.output).toContain('GoTo rejected the new access token too, so another refresh would not help');
  const received = byKind(await mark.received());
  expect(received.refreshes, "the run's refresh and one after the first rejection, no third").toHaveLength(2);
  expect([received.usersMe.length, received.webinars.length]).toEqual([2, 1]);
});
