import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { refreshTokenRequest } from '../../requests';
import {
  expect,
  ApiNetworkError,
  test,
  sendRequest,
  type EmulatorControl,
  type Sandbox,
  type RedactedExchange,
} from './fixtures';
import { closedPort } from './helpers/closed-port';
import { refreshStep, withTokens, secretsIn, expectNoSecret } from './helpers/goto-failure-setup';
import { markRequests } from './helpers/received-since';

/*
 * Every way GoTo (or the network to it) can fail a step, each against a sandbox: no answer at all:
 * a connection closed before the answer, a timeout, a refused connection, an unknown host; what is
 * sent again (RFC 9112 §9.3.1, RFC 9110 §9.2.2) and what the error says.
 */

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
