import { readFile } from 'node:fs/promises';
import { basicAuthorization } from '../../requests';
import {
  ApiStatusError,
  expect,
  fingerprint,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { markRequests } from './helpers/received-since';

/*
 * One refresh token, several holders: the users' app on Vercel refreshes by itself, CI
 * refreshes daily, a person's .env holds a copy. Whichever receives a rotated token is the
 * only one left that can refresh (README, "One refresh token, several holders"); the
 * others' next refresh fails, and the message must say that another holder may be why.
 */

/** The sandbox after a first run: tokens in its env file. */
async function withTokens(sandbox: Sandbox, emulator: EmulatorControl) {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  return sandbox.chain.exchangeCode();
}

/** What another holder (the app on Vercel, with its own code) sends: a plain refresh (RFC 6749 §6). */
async function refreshElsewhere(sandbox: Sandbox, emulator: EmulatorControl, refreshToken: string) {
  const response = await fetch(`${emulator.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basicAuthorization(sandbox.client.clientId, sandbox.client.clientSecret) },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  expect(response.status, 'the other holder refreshed').toBe(200);
  return (await response.json()) as { refresh_token?: string };
}

test('a refresh after another holder received a rotated token fails with invalid_grant, saying another holder may have refreshed, and leaves the env file as it was', async ({
  sandbox,
  emulator,
}) => {
  // Here every refresh rotates, so the other holder's is the one; without reuse detection, so
  // the grant lives on with that holder (with it, this refresh would revoke the grant for all).
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh', reuseDetection: false });
  const tokens = await withTokens(sandbox, emulator);
  const shared = tokens.refresh_token ?? '';
  const rotated = (await refreshElsewhere(sandbox, emulator, shared)).refresh_token ?? '';
  expect(rotated, 'the other holder received a rotated token').not.toBe('');
  const bytesBefore = await readFile(sandbox.envFile);
  const mark = await markRequests(emulator, sandbox.client.clientId);

  const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

  const sent = await mark.received();
  expect(
    sent.map(
      (request) => `${request.route} ${request.form?.grant_type} ${fingerprint(request.form?.refresh_token ?? '')}`,
    ),
    'one refresh, with the token this env file holds, sent once',
  ).toEqual([`token refresh_token ${fingerprint(shared)}`]);
  expect(error).toBeInstanceOf(ApiStatusError);
  const { message, status } = error as ApiStatusError;
  expect(status).toBe(400);
  expect((error as ApiStatusError).error).toBe('invalid_grant');
  expect(message).toContain(
    'Step "refresh the access token" failed: POST /oauth/token answered HTTP 400 invalid_grant',
  );
  expect(message).toContain(
    'another holder of it (your app on Vercel, a CI job, another .env) may have refreshed and received a rotated token, ' +
      'which only that holder has: authorize again',
  );
  expect(message).toContain('(README, "One refresh token, several holders")');
  const active = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active);
  expect(
    active.map((token) => fingerprint(token.token)),
    'the grant lives on with the other holder only',
  ).toEqual([fingerprint(rotated)]);
  for (const [name, secret] of Object.entries({ shared, rotated, clientSecret: sandbox.client.clientSecret }))
    expect(message.includes(secret), `no ${name} in the message`).toBe(false);
  expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});
