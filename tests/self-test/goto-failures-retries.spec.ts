import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { refreshTokenRequest, usersMeRequest, type PreparedRequest } from '../../requests';
import {
  envSnapshot,
  expect,
  fingerprint,
  ApiStatusError,
  test,
  sendRequest,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import {
  refreshStep,
  withTokens,
  secretsIn,
  expectNoSecret,
  attachedExchange,
  json,
  type Fault,
  type FaultRoute,
} from './helpers/goto-failure-setup';
import { markRequests } from './helpers/received-since';

/*
 * Every way GoTo (or the network to it) can fail a step, each against a sandbox: GoTo says "not
 * now" (429, 502, 503) or a GET's connection closed: what is sent again and when
 * (lib/http/retry-policy.ts), what a run is told when the attempts run out or GoTo asks for a wait
 * longer than the sender's, and what is written.
 */

/** Answers that say "not now" (RFC 6585 §4, RFC 9110 §15.6.3-4) or a GET whose connection closed: retried once, then answered. */
const retriedOnce: Array<{
  title: string;
  route: FaultRoute;
  fault: Omit<Fault, 'route'>;
  /** The request, sent by `sendRequest` itself: the test lets its retry go (`wait`), no clock. */
  request: (
    sandbox: Sandbox,
    emulator: EmulatorControl,
    tokens: { access_token: string; refresh_token?: string },
  ) => PreparedRequest;
  earlier: { outcome: unknown; waitSetBy: 'Retry-After' | 'backoff' };
  /** The wait the sender should ask for: Retry-After's, or the first backoff, between half the 200 ms base and the base. */
  waitMs: { from: number; to: number };
}> = [
  {
    title: 'waits for Retry-After: 1 after a 429, then refreshes on the second attempt',
    route: 'token',
    fault: { status: 429, headers: { 'retry-after': '1' } },
    request: refreshOf,
    earlier: { outcome: 'HTTP 429', waitSetBy: 'Retry-After' },
    waitMs: { from: 1000, to: 1000 },
  },
  {
    title: 'backs off after a 429 without Retry-After, then refreshes on the second attempt',
    route: 'token',
    fault: { status: 429 },
    request: refreshOf,
    earlier: { outcome: 'HTTP 429', waitSetBy: 'backoff' },
    waitMs: { from: 100, to: 200 },
  },
  {
    title: 'retries a refresh answered 502 once, then refreshes',
    route: 'token',
    fault: {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    },
    request: refreshOf,
    earlier: { outcome: 'HTTP 502', waitSetBy: 'backoff' },
    waitMs: { from: 100, to: 200 },
  },
  {
    title: 'retries a refresh answered 503 once, then refreshes',
    route: 'token',
    fault: { status: 503, ...json({ error: 'temporarily_unavailable' }) },
    request: refreshOf,
    earlier: { outcome: 'HTTP 503', waitSetBy: 'backoff' },
    waitMs: { from: 100, to: 200 },
  },
  {
    title: 'retries Users/me (a GET, idempotent per RFC 9110 §9.2.2) when the connection closed before any answer',
    route: 'users-me',
    fault: { drop: true },
    request: (_sandbox, emulator, tokens) =>
      usersMeRequest({ apiBaseUrl: emulator.baseUrl, accessToken: tokens.access_token }),
    // undici says UND_ERR_SOCKET for a closed socket, ECONNRESET when it was reset.
    earlier: { outcome: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/), waitSetBy: 'backoff' },
    waitMs: { from: 100, to: 200 },
  },
];

/** The sandbox's refresh, as the token chain would build it. */
function refreshOf(sandbox: Sandbox, emulator: EmulatorControl, tokens: { refresh_token?: string }): PreparedRequest {
  return refreshTokenRequest({
    authBaseUrl: emulator.baseUrl,
    clientId: sandbox.client.clientId,
    clientSecret: sandbox.client.clientSecret,
    refreshToken: tokens.refresh_token ?? '',
  });
}

for (const retry of retriedOnce) {
  test(retry.title, async ({ sandbox, emulator }) => {
    const tokens = await withTokens(sandbox, emulator);
    await emulator.addFault(sandbox.client.clientId, { route: retry.route, ...retry.fault });
    const mark = await markRequests(emulator, sandbox.client.clientId);
    const waits: number[] = [];
    let goOn = () => {};
    const gate = new Promise<void>((resolve) => (goOn = resolve));

    const sent = sendRequest(retry.request(sandbox, emulator, tokens), {
      wait: (ms) => {
        waits.push(ms);
        return gate;
      },
    });
    await expect.poll(() => waits.length, { message: 'after the first answer the sender waits' }).toBe(1);
    const whileWaiting = await mark.received();
    goOn();
    const { status, exchange } = await sent;

    expect(
      whileWaiting.map((request) => request.route),
      'while it waits, nothing more is sent',
    ).toEqual([retry.route]);
    expect(waits[0], 'the wait it asked for').toBeGreaterThanOrEqual(retry.waitMs.from);
    expect(waits[0]).toBeLessThanOrEqual(retry.waitMs.to);
    const received = await mark.received();
    expect(
      received.map((request) => request.route),
      'then the request once more, and nothing else',
    ).toEqual([retry.route, retry.route]);
    if (retry.route === 'token') {
      expect(received[1]?.form?.refresh_token, 'the same refresh token both times').toBe(
        received[0]?.form?.refresh_token,
      );
    }
    expect(status, 'the answer that counted').toBe(200);
    expect(exchange.attempts, 'the report shows two attempts').toBe(2);
    expect(exchange.earlierAttempts).toEqual([
      expect.objectContaining({ ...retry.earlier, waitedMs: Math.round(waits[0] ?? -1) }),
    ]);
  });
}

test('writes the tokens of the attempt that succeeded after a 503', async ({ sandbox, emulator }) => {
  await withTokens(sandbox, emulator);
  await emulator.addFault(sandbox.client.clientId, { route: 'token', status: 503 });

  const token = await sandbox.chain.refresh();

  expect(envSnapshot(sandbox.envFile).GOTO_ACCESS_TOKEN).toBe(fingerprint(token.access_token));
});

/** The same "not now" answer every time: the attempts run out. */
const persistent: Array<{
  title: string;
  fault: Omit<Fault, 'route' | 'times'>;
  status: number;
  says: string;
  advice: RegExp;
}> = [
  {
    title: 'fails after 3 attempts with rate-limit advice when every answer is 429',
    fault: { status: 429 },
    status: 429,
    says: `POST /oauth/token answered HTTP 429.`,
    advice: /rate limiting \(10 requests per second per API\): wait a minute and run again/,
  },
  {
    title: 'fails after 3 attempts when every answer is a 502 HTML error page, saying the body is not JSON',
    fault: {
      status: 502,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
    },
    status: 502,
    says: 'HTTP 502 with a body that is not JSON (content-type text/html)',
    advice: /gateway in front of GoTo.*status\.goto\.com/,
  },
  {
    title: 'fails after 3 attempts when every answer is 503, with GoTo’s error and the status page',
    fault: { status: 503, ...json({ error: 'temporarily_unavailable', error_description: 'down for maintenance' }) },
    status: 503,
    says: 'HTTP 503 temporarily_unavailable ("down for maintenance")',
    advice: /try again in a few minutes and check https:\/\/status\.goto\.com/,
  },
];

for (const failure of persistent) {
  test(failure.title, async ({ sandbox, emulator }) => {
    await withTokens(sandbox, emulator);
    await emulator.addFault(sandbox.client.clientId, { route: 'token', times: 3, ...failure.fault });
    const bytesBefore = await readFile(sandbox.envFile);
    const secrets = secretsIn(sandbox);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiStatusError);
    const { code, status, attempts, message } = error as ApiStatusError;
    expect(code).toBe('API_STATUS');
    expect(status).toBe(failure.status);
    expect(attempts).toBe(3);
    expect(message).toContain(`Step "${refreshStep}" failed after 3 attempts: `);
    expect(message).toContain(failure.says);
    expect(message).toMatch(failure.advice);
    expectNoSecret(message, secrets);
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(await mark.received('token'), 'the emulator received three attempts').toHaveLength(3);
    expect((await attachedExchange('POST /oauth/token'))?.attempts, 'the report shows three attempts').toBe(3);
  });
}

// RFC 9110 §10.2.3: Retry-After is delay-seconds or an HTTP-date.
for (const [form, header] of [
  ['delay-seconds', () => '3600'],
  ['an HTTP-date', () => new Date(Date.now() + 2 * 3600_000).toUTCString()],
] as const) {
  test(`fails at once, saying when to run again, when a 429's Retry-After (${form}) asks for longer than 30 s`, async ({
    sandbox,
    emulator,
  }) => {
    await withTokens(sandbox, emulator);
    const retryAfter = header();
    await emulator.addFault(sandbox.client.clientId, {
      route: 'token',
      status: 429,
      headers: { 'retry-after': retryAfter },
      times: 3,
    });
    const bytesBefore = await readFile(sandbox.envFile);
    const mark = await markRequests(emulator, sandbox.client.clientId);
    const sentAt = Date.now();

    const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

    const answeredAt = Date.now();
    expect(error).toBeInstanceOf(ApiStatusError);
    const { status, attempts, message, retryAfterSeconds } = error as ApiStatusError;
    expect(status).toBe(429);
    expect(attempts, 'not retried: the wait is longer than the cap').toBe(1);
    expect(message).toContain(`Step "${refreshStep}" failed: POST /oauth/token answered HTTP 429.`);
    expect(message).toMatch(
      /rate limiting .* asked to wait \d+ s before the next try \(Retry-After\), longer than goto-token-runner waits by itself \(30 s\)/,
    );
    const runAgainAfter = Date.parse(/run again after (\S+)\.$/.exec(message)?.[1] ?? '');
    const expected = /^\d+$/.test(retryAfter)
      ? { from: sentAt + 3600_000, to: answeredAt + 3600_000 }
      : { from: Date.parse(retryAfter), to: Date.parse(retryAfter) };
    expect(runAgainAfter, 'the time to run again is the one GoTo asked for').toBeGreaterThanOrEqual(expected.from);
    expect(runAgainAfter).toBeLessThanOrEqual(expected.to);
    expect(retryAfterSeconds).toBeGreaterThan(30);
    expectNoSecret(message, secretsIn(sandbox));
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(await mark.received('token'), 'sent once').toHaveLength(1);
  });
}

test('sends a request once, even after a 503, when attempts is 1', async ({ sandbox, emulator }) => {
  const request = refreshTokenRequest({
    authBaseUrl: emulator.baseUrl,
    clientId: sandbox.client.clientId,
    clientSecret: sandbox.client.clientSecret,
    refreshToken: `rt-once-${randomUUID()}`,
  });
  await emulator.addFault(sandbox.client.clientId, { route: 'token', status: 503, times: 3 });
  const mark = await markRequests(emulator, sandbox.client.clientId);

  const error = await sendRequest(request, { attempts: 1 }).catch((caught: unknown) => caught);

  expect((error as ApiStatusError).status).toBe(503);
  expect((error as ApiStatusError).attempts).toBe(1);
  expect(await mark.received('token')).toHaveLength(1);
});
