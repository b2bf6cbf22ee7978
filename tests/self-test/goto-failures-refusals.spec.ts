import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, ApiStatusError, test, updateEnvFile, type EmulatorControl, type Sandbox } from './fixtures';
import {
  exchangeStep,
  refreshStep,
  pasteFreshCode,
  withTokens,
  basicOf,
  secretsIn,
  expectNoSecret,
  json,
  type FaultRoute,
} from './helpers/goto-failure-setup';
import { markRequests } from './helpers/received-since';

/*
 * Every way GoTo (or the network to it) can fail a step, each against a sandbox: GoTo refuses (RFC
 * 6749 §5.2 errors, RFC 6750 §3.1, a server error): the error says the step, the status, GoTo's
 * error and description and what to do next, shows no secret, and nothing is sent again or
 * written.
 */

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
