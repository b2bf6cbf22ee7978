import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { refreshTokenRequest, usersMeRequest, type PreparedRequest } from '../../requests';
import {
  envSnapshot,
  expect,
  fingerprint,
  ApiStatusError,
  ApiNetworkError,
  ApiBodyError,
  readEnvValues,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from '../../fixtures';
import { sendRequest, type RedactedExchange } from '../../fixtures';
import { closedPort } from './helpers/closed-port';
import { markRequests } from './helpers/received-since';

type Fault = Parameters<EmulatorControl['addFault']>[1];
type FaultRoute = Fault['route'];

/**
 * Every way GoTo (or the network to it) can fail a step, each against a sandbox: the
 * error says the step, the status, GoTo's error and description and what to do next, shows
 * no secret, leaves the env file byte-identical, and the emulator received exactly the
 * attempts the retry policy allows (lib/http/send-request.ts).
 */

const exchangeStep = 'exchange the authorization code for tokens';
const refreshStep = 'refresh the access token';

/** Logs in at the emulator and puts the code in the sandbox's env file, as a person would paste it. */
async function pasteFreshCode(sandbox: Sandbox, emulator: EmulatorControl): Promise<string> {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  return code;
}

/** The sandbox as after a first run: tokens in the env file. */
async function withTokens(sandbox: Sandbox, emulator: EmulatorControl) {
  await pasteFreshCode(sandbox, emulator);
  return sandbox.chain.exchangeCode();
}

/**
 * The Basic value of an id and secret written out by hand (RFC 7617 §2), not by the code under
 * test. The emulator's ids (UUIDs) and secrets (alphanumerics), and the wrong secrets here, hold
 * nothing form-urlencoding escapes, so this is the RFC 6749 §2.3.1 form as well.
 */
function basicOf(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

/** Every secret the env file holds (client secret, code, tokens) and the Basic values built from it. */
function secretsIn(sandbox: Sandbox, ...more: Array<string | undefined>): string[] {
  const values = readEnvValues(sandbox.envFile);
  const basic = basicOf(sandbox.client.clientId, values.GOTO_CLIENT_SECRET ?? sandbox.client.clientSecret);
  return [
    sandbox.client.clientSecret,
    values.GOTO_CLIENT_SECRET,
    basic,
    basic.slice('Basic '.length),
    values.GOTO_AUTH_CODE,
    values.GOTO_ACCESS_TOKEN,
    values.GOTO_REFRESH_TOKEN,
    ...more,
  ].filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
}

function expectNoSecret(message: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(message.includes(secret), `no secret (${fingerprint(secret)}) in the message`).toBe(false);
  }
}

/** The last redacted exchange the `send` fixture attached for `name`, as a person sees it in the report. */
async function attachedExchange(name: string): Promise<RedactedExchange | undefined> {
  const attachment = test
    .info()
    .attachments.filter((candidate) => candidate.name === name)
    .at(-1);
  const body = attachment?.body ?? (attachment?.path ? await readFile(attachment.path) : undefined);
  return body ? (JSON.parse(body.toString('utf8')) as RedactedExchange) : undefined;
}

function json(value: unknown): Pick<Fault, 'headers' | 'body'> {
  return { headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(value) };
}

type Chain = Sandbox['chain'];

/**
 * GoTo refuses; none of these may be sent again (RFC 6749 §5.2 errors and RFC 6750 §3.1 are
 * final). Most bring the emulator to the state that refuses; the canned 500 shows a server
 * error is not sent again either. Every other error body is a row of process-response.spec.ts.
 */
const refusals: Array<{
  title: string;
  /** Brings the sandbox to the state under test; returns secrets that are no longer in the env file. */
  arrange: (sandbox: Sandbox, emulator: EmulatorControl) => Promise<Array<string | undefined> | void>;
  act: (chain: Chain) => Promise<unknown>;
  route: FaultRoute;
  expected: { step: string; status: number; says: string; advice: RegExp };
}> = [
  {
    title: 'a 400 invalid_grant for an expired code',
    arrange: async (sandbox, emulator) => {
      await pasteFreshCode(sandbox, emulator);
      // RFC 6749 §4.1.2: codes are short-lived; GoTo's last 10 minutes.
      await emulator.advanceClock(sandbox.client.clientId, 601);
    },
    act: (chain) => chain.exchangeCode(),
    route: 'token',
    expected: {
      step: exchangeStep,
      status: 400,
      says: 'HTTP 400 invalid_grant ("authorization code has expired',
      advice: /codes last 10 minutes and work once/,
    },
  },
  {
    title: 'a 400 invalid_grant for a code that was already used',
    arrange: async (sandbox, emulator) => {
      const code = await pasteFreshCode(sandbox, emulator);
      await sandbox.chain.exchangeCode();
      // RFC 6749 §4.1.2: "The client MUST NOT use the authorization code more than once."
      await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
    },
    act: (chain) => chain.exchangeCode(),
    route: 'token',
    expected: {
      step: exchangeStep,
      status: 400,
      says: 'HTTP 400 invalid_grant ("authorization code has already been used',
      advice: /codes last 10 minutes and work once/,
    },
  },
  {
    title: 'a 400 invalid_grant for a refresh token that was rotated out',
    arrange: async (sandbox, emulator) => {
      // Without reuse detection: the refusal itself, not the revoked grant it would cause.
      await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh', reuseDetection: false });
      const first = await withTokens(sandbox, emulator);
      const rotated = await sandbox.chain.refresh();
      // RFC 6749 §6: after rotation the old refresh token is dead.
      await updateEnvFile(sandbox.envFile, { GOTO_REFRESH_TOKEN: first.refresh_token ?? '' });
      return [rotated.refresh_token, rotated.access_token];
    },
    act: (chain) => chain.refresh(),
    route: 'token',
    expected: {
      step: refreshStep,
      status: 400,
      says: 'HTTP 400 invalid_grant ("refresh token was rotated out',
      advice: /rotated, revoked or has expired.*authorize again/,
    },
  },
  {
    title: 'a 400 invalid_grant for a revoked refresh token',
    arrange: async (sandbox, emulator) => {
      const tokens = await withTokens(sandbox, emulator);
      // RFC 7009 §2.1, as a person would revoke it.
      const revoked = await fetch(`${emulator.baseUrl}/oauth/revoke`, {
        method: 'POST',
        headers: { authorization: basicOf(sandbox.client.clientId, sandbox.client.clientSecret) },
        body: new URLSearchParams({ token: tokens.refresh_token ?? '' }),
      });
      expect(revoked.status, 'the emulator revoked the refresh token').toBe(200);
    },
    act: (chain) => chain.refresh(),
    route: 'token',
    expected: {
      step: refreshStep,
      status: 400,
      says: 'HTTP 400 invalid_grant ("refresh token was revoked',
      advice: /rotated, revoked or has expired.*authorize again/,
    },
  },
  {
    title: 'a 400 invalid_grant for a refresh token the server never issued',
    arrange: async (sandbox, emulator) => {
      const tokens = await withTokens(sandbox, emulator);
      await updateEnvFile(sandbox.envFile, { GOTO_REFRESH_TOKEN: `unknown-${randomUUID()}` });
      return [tokens.refresh_token];
    },
    act: (chain) => chain.refresh(),
    route: 'token',
    expected: {
      step: refreshStep,
      status: 400,
      says: 'HTTP 400 invalid_grant ("refresh token is not valid: this server did not issue it")',
      advice: /authorize again/,
    },
  },
  {
    title: 'a 401 invalid_client for a wrong client secret',
    arrange: async (sandbox, emulator) => {
      await pasteFreshCode(sandbox, emulator);
      // No "+", "/" or "=": both Basic forms are the same, so the chain has no second form to try.
      await updateEnvFile(sandbox.envFile, { GOTO_CLIENT_SECRET: 'not-the-secret-at-all' });
    },
    act: (chain) => chain.exchangeCode(),
    route: 'token',
    expected: {
      step: exchangeStep,
      status: 401,
      says: 'HTTP 401 invalid_client ("client secret does not match")',
      advice: /GOTO_CLIENT_SECRET/,
    },
  },
  {
    title: 'a 500 server_error, which is not retried',
    arrange: async (sandbox, emulator) => {
      await withTokens(sandbox, emulator);
      // RFC 9110 §15.6.1: GoTo may have done part of the work; a replayed refresh is not safe.
      await emulator.addFault(sandbox.client.clientId, {
        route: 'token',
        status: 500,
        times: 3,
        ...json({ error: 'server_error', error_description: 'internal failure' }),
      });
    },
    act: (chain) => chain.refresh(),
    route: 'token',
    expected: {
      step: refreshStep,
      status: 500,
      says: 'HTTP 500 server_error ("internal failure")',
      advice: /server error.*status\.goto\.com/,
    },
  },
  {
    title: 'a 401 from Users/me for an expired access token with GOTO_TOKEN_REQUESTS=off',
    arrange: async (sandbox, emulator) => {
      await withTokens(sandbox, emulator);
      // GoTo's access tokens last 60 minutes. With token requests on, the check refreshes
      // once and repeats (rejected-access-token.spec.ts); off, the rejection stands.
      await emulator.advanceClock(sandbox.client.clientId, 3601);
      sandbox.env.GOTO_TOKEN_REQUESTS = 'off';
    },
    act: (chain) => chain.usersMe(),
    route: 'users-me',
    // Users/me answers with an empty body: GoTo's words are in WWW-Authenticate (RFC 6750 §3).
    expected: {
      step: 'read the signed-in user (Users/me)',
      status: 401,
      says: 'HTTP 401 invalid_token ("The access token expired")',
      advice: /run the refresh step/,
    },
  },
  {
    title: 'a 403 InvalidToken from the webinar API for an expired access token with GOTO_TOKEN_REQUESTS=off',
    arrange: async (sandbox, emulator) => {
      await withTokens(sandbox, emulator);
      await sandbox.chain.usersMe();
      await emulator.advanceClock(sandbox.client.clientId, 3601);
      sandbox.env.GOTO_TOKEN_REQUESTS = 'off';
    },
    act: (chain) => chain.listWebinars({ fromTime: new Date(), toTime: new Date(Date.now() + 864e5) }),
    route: 'webinars',
    expected: {
      step: 'list the organizer’s webinars (getWebinars)',
      status: 403,
      says: 'HTTP 403 InvalidToken ("Invalid token passed")',
      advice: /run the refresh step/,
    },
  },
];

for (const refusal of refusals) {
  test(`reports ${refusal.title} with the step, GoTo's error and advice, and no secret`, async ({
    sandbox,
    emulator,
  }) => {
    const extraSecrets = (await refusal.arrange(sandbox, emulator)) ?? [];
    const secrets = secretsIn(sandbox, ...extraSecrets);

    const error = await refusal.act(sandbox.chain).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiStatusError);
    const { code, status, attempts, message } = error as ApiStatusError;
    expect(code).toBe('API_STATUS');
    expect(status).toBe(refusal.expected.status);
    expect(attempts, 'a refusal is final: not retried').toBe(1);
    expect(message).toContain(`Step "${refusal.expected.step}" failed: `);
    expect(message).toContain(refusal.expected.says);
    expect(message).toMatch(/\nWhat to do: /);
    expect(message).toMatch(refusal.expected.advice);
    expect(message, 'one attempt is not worth mentioning').not.toContain('attempts');
    expectNoSecret(message, secrets);
  });

  test(`after ${refusal.title}, nothing is sent again and the env file stays byte for byte as it was`, async ({
    sandbox,
    emulator,
  }) => {
    await refusal.arrange(sandbox, emulator);
    const bytesBefore = await readFile(sandbox.envFile);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    await refusal.act(sandbox.chain).catch(() => undefined);

    expect(await mark.received(refusal.route), 'the emulator received exactly one request').toHaveLength(1);
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
  });
}

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

/**
 * A 200 whose body is not GoTo's token response: the request worked, the data did not (not
 * retried, nothing written). Every other such body (HTML, empty, cut off, …) is a row of
 * process-response.spec.ts; this one proves the wiring end to end.
 */
const badSuccessBodies: Array<{
  title: string;
  fault: Omit<Fault, 'route' | 'status'>;
  problem: string | RegExp;
  secret?: string;
}> = [
  {
    title: 'a 200 without access_token is a schema error naming "access_token" and no value',
    fault: json({ refresh_token: 'rt-schema-case-secret-value', expires_in: 3600, token_type: 'Bearer' }),
    problem: /expected string, received undefined\s+→ at access_token/,
    secret: 'rt-schema-case-secret-value',
  },
];

for (const bad of badSuccessBodies) {
  test(bad.title, async ({ sandbox, emulator }) => {
    await withTokens(sandbox, emulator);
    await emulator.addFault(sandbox.client.clientId, { route: 'token', status: 200, ...bad.fault });
    const bytesBefore = await readFile(sandbox.envFile);
    const secrets = secretsIn(sandbox, bad.secret);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

    expect(error, 'the request succeeded; the body is what failed').toBeInstanceOf(ApiBodyError);
    expect(error).not.toBeInstanceOf(ApiStatusError);
    const { code, status, message } = error as ApiBodyError;
    expect(code).toBe('API_BODY');
    expect(status).toBe(200);
    expect(message).toContain(
      `Step "${refreshStep}" failed: POST /oauth/token answered HTTP 200, but the body is not what GoTo documents:`,
    );
    if (typeof bad.problem === 'string') expect(message).toContain(bad.problem);
    else expect(message).toMatch(bad.problem);
    expect(message).toMatch(/\nWhat to do: check that GOTO_AUTH_BASE_URL points at GoTo, not at a proxy/);
    expectNoSecret(message, secrets);
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(await mark.received('token'), 'sent once').toHaveLength(1);
  });
}

test('does not send a refresh again when the connection closed before any answer, since GoTo may have acted on it', async ({
  sandbox,
  emulator,
}) => {
  await withTokens(sandbox, emulator);
  await emulator.addFault(sandbox.client.clientId, { route: 'token', drop: true, times: 3 });
  const bytesBefore = await readFile(sandbox.envFile);
  const secrets = secretsIn(sandbox);
  const mark = await markRequests(emulator, sandbox.client.clientId);

  const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiNetworkError);
  const { code, reason, attempts, message } = error as ApiNetworkError;
  expect(code).toBe('API_NETWORK');
  expect(['UND_ERR_SOCKET', 'ECONNRESET'], 'closed or reset by the server').toContain(reason);
  expect(attempts).toBe(1);
  expect(message).toContain(
    `Step "${refreshStep}" failed: POST ${emulator.baseUrl}/oauth/token lost the connection before any answer (${reason}).`,
  );
  expect(message).toContain('It was not sent again: it may have reached the server');
  expect(message).toMatch(
    /What to do: .*If the next run answers invalid_grant, .*authorize again; nothing was written\.$/,
  );
  expectNoSecret(message, secrets);
  expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
  expect(await mark.received('token'), 'sent once (RFC 9112 §9.3.1)').toHaveLength(1);
});

/** A refresh whose answer the emulator holds far longer than the timeout, sent with a 0.3 s timeout. */
async function refreshThatTimesOut(sandbox: Sandbox, emulator: EmulatorControl) {
  const refreshToken = `rt-timeout-${randomUUID()}`;
  const request = refreshTokenRequest({
    authBaseUrl: emulator.baseUrl,
    clientId: sandbox.client.clientId,
    clientSecret: sandbox.client.clientSecret,
    refreshToken,
  });
  // The emulator records the request, then waits far longer than the timeout before handling it.
  await emulator.addFault(sandbox.client.clientId, { route: 'token', delayMs: 60_000, times: 3 });
  const mark = await markRequests(emulator, sandbox.client.clientId);
  let exchange: RedactedExchange | undefined;
  const error = await sendRequest(request, {
    timeoutMs: 300,
    backoffBaseMs: 10,
    onExchange: (seen) => (exchange = seen),
  }).catch((caught: unknown) => caught);
  // Whatever waits in the emulator goes on now, so it holds nothing open after the test.
  await emulator.releaseHeld(sandbox.client.clientId);
  return { error, exchange, mark, secrets: [sandbox.client.clientSecret, refreshToken, ...request.secrets] };
}

test('gives up on a request that gets no answer within timeoutMs, saying so and what to do', async ({
  sandbox,
  emulator,
}) => {
  const { error, exchange, secrets } = await refreshThatTimesOut(sandbox, emulator);

  expect(error).toBeInstanceOf(ApiNetworkError);
  const { code, timedOut, message } = error as ApiNetworkError;
  expect(code).toBe('API_TIMEOUT');
  expect(timedOut).toBe(true);
  expect(message).toContain(
    `Step "${refreshStep}" failed: POST ${emulator.baseUrl}/oauth/token got no answer within 0.3 s.`,
  );
  expect(message).toContain('It was not sent again');
  expect(message).toMatch(
    /What to do: check the network, the host in GOTO_AUTH_BASE_URL and https:\/\/status\.goto\.com, then run again/,
  );
  expectNoSecret(message, secrets);
  expect(exchange?.response, 'no answer to show').toBeUndefined();
});

test('does not send again a request that got no answer within timeoutMs, since GoTo may be acting on it', async ({
  sandbox,
  emulator,
}) => {
  const { error, exchange, mark } = await refreshThatTimesOut(sandbox, emulator);

  expect((error as ApiNetworkError).attempts).toBe(1);
  expect(exchange?.attempts).toBe(1);
  expect(await mark.received('token'), 'the emulator received it once').toHaveLength(1);
});

/** A refresh sent to a port nothing listens on: never reaches a server. */
async function refreshToAClosedPort() {
  const port = await closedPort();
  const request = refreshTokenRequest({
    authBaseUrl: `http://127.0.0.1:${port}`,
    clientId: randomUUID(),
    clientSecret: 'client-secret-for-a-closed-port',
    refreshToken: `rt-refused-${randomUUID()}`,
  });
  const seen: RedactedExchange[] = [];
  const error = await sendRequest(request, {
    backoffBaseMs: 10,
    onExchange: (exchange) => seen.push(structuredClone(exchange)),
  }).catch((caught: unknown) => caught);
  return { port, request, seen, error };
}

test('retries a refused connection (never reached a server, RFC 9112 §9.3.1) until its 3 attempts are used up', async () => {
  const { seen, error } = await refreshToAClosedPort();

  expect((error as ApiNetworkError).attempts).toBe(3);
  expect(
    seen.map((exchange) => exchange.attempts),
    'each attempt was shown as it happened',
  ).toEqual([1, 2, 3]);
  expect(seen.at(-1)?.earlierAttempts?.map((earlier) => earlier.outcome)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
});

test('a refused connection fails naming the address and what to do', async () => {
  const { port, request, error } = await refreshToAClosedPort();

  expect(error).toBeInstanceOf(ApiNetworkError);
  const { code, reason, message } = error as ApiNetworkError;
  expect(code).toBe('API_NETWORK');
  expect(reason).toBe('ECONNREFUSED');
  expect(message).toContain(
    `Step "${refreshStep}" failed after 3 attempts: POST http://127.0.0.1:${port}/oauth/token could not connect (ECONNREFUSED: nothing accepts connections at 127.0.0.1:${port}).`,
  );
  expect(message).toMatch(
    /What to do: check the host and port in GOTO_AUTH_BASE_URL and that the server there is running, then run again; nothing was written\.$/,
  );
  expect(message, 'nothing reached a server, so nothing to warn about').not.toContain('not sent again');
  expectNoSecret(message, request.secrets);
});

test('reports an unknown host (.invalid never resolves, RFC 6761 §6.4) by name, with advice to check it', async () => {
  const request = refreshTokenRequest({
    authBaseUrl: 'https://goto-token-runner.invalid',
    clientId: randomUUID(),
    clientSecret: 'client-secret-for-an-unknown-host',
    refreshToken: `rt-unknown-host-${randomUUID()}`,
  });

  const error = await sendRequest(request, { backoffBaseMs: 10 }).catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiNetworkError);
  const { code, reason, attempts, message } = error as ApiNetworkError;
  expect(code).toBe('API_NETWORK');
  // ENOTFOUND (the name does not exist) is final; a machine with no name server at all
  // says EAI_AGAIN, which may pass and so is retried.
  expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(reason);
  expect(attempts).toBe(reason === 'ENOTFOUND' ? 1 : 3);
  expect(message).toContain(`POST https://goto-token-runner.invalid/oauth/token could not connect (${reason}: `);
  expect(message).toContain('"goto-token-runner.invalid"');
  expect(message).toMatch(
    /What to do: check the host name in GOTO_AUTH_BASE_URL for typos \(GoTo's is authentication\.logmeininc\.com\)/,
  );
  expect(message, 'a name that does not resolve was sent nowhere').not.toContain('not sent again');
  expectNoSecret(message, request.secrets);
});

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
