import { expect, test } from './fixtures';
import { type Client, basic, postToken, decodeJwt, s256 } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the token endpoint’s
 * authorization_code grant: the exchange, single-use and expiring codes, PKCE (RFC 6749 §4.1.3,
 * RFC 7636 §4.6). Each test registers its own client, so tests run in parallel against one
 * emulator without seeing each other.
 */

test.describe('token endpoint: authorization_code grant', () => {
  test('exchanges a code for tokens with no-store headers (RFC 6749 §5.1)', async ({ emulator, emulatorClient }) => {
    const { code } = await emulator.issueCode(emulatorClient.clientId, {
      redirectUri: emulatorClient.redirectUris[0] ?? '',
    });
    const response = await postToken(
      emulator.baseUrl,
      { grant_type: 'authorization_code', code, redirect_uri: emulatorClient.redirectUris[0] ?? '' },
      { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret), accept: 'application/json' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      token_type: 'Bearer',
      refresh_token: expect.stringMatching(/^eyJ/),
      expires_in: 3600,
      scope: 'collab: identity:scim.me',
      principal: emulatorClient.user.email,
    });
    expect(
      decodeJwt(String(response.body.access_token)).header.kid,
      'GoTo tokens start eyJraWQiOiJvYXV0aHYyLmxt',
    ).toMatch(/^oauthv2\.lm/);
    const received = (await emulator.requests(emulatorClient.clientId)).filter((r) => r.route === 'token');
    expect(received, 'the emulator received one form-encoded Basic-authenticated request').toHaveLength(1);
    expect(received[0]?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(received[0]?.headers.authorization).toMatch(/^Basic /);
    expect(received[0]?.form).toEqual({
      grant_type: 'authorization_code',
      code,
      redirect_uri: emulatorClient.redirectUris[0],
    });
  });

  test('rejects a reused authorization code with invalid_grant', async ({ emulator, emulatorClient }) => {
    const { code } = await emulator.issueCode(emulatorClient.clientId);
    const auth = { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) };
    expect((await postToken(emulator.baseUrl, { grant_type: 'authorization_code', code }, auth)).status).toBe(200);
    const second = await postToken(emulator.baseUrl, { grant_type: 'authorization_code', code }, auth);
    expect(second.status).toBe(400);
    expect(second.body).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringContaining('already been used'),
    });
  });

  test('accepts a code until 10 minutes have passed on the client clock, then rejects it', async ({
    emulator,
    emulatorClient,
  }) => {
    const auth = { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) };
    const first = await emulator.issueCode(emulatorClient.clientId);
    const second = await emulator.issueCode(emulatorClient.clientId);
    // The client clock also runs in real time (and `iat` is in whole seconds), so stay clear
    // of the edge on a busy machine: 590 s in, still valid; 601 s in, expired.
    await emulator.advanceClock(emulatorClient.clientId, 590);
    expect(
      (await postToken(emulator.baseUrl, { grant_type: 'authorization_code', code: first.code }, auth)).status,
      'still valid at 590 s',
    ).toBe(200);
    await emulator.advanceClock(emulatorClient.clientId, 11);
    const late = await postToken(emulator.baseUrl, { grant_type: 'authorization_code', code: second.code }, auth);
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  const codeErrors: {
    name: string;
    form: (code: string, c: Client, other: string) => Record<string, string>;
    error: string;
    says: string;
  }[] = [
    {
      name: 'a missing code',
      form: () => ({ grant_type: 'authorization_code' }),
      error: 'invalid_request',
      says: 'code is missing',
    },
    {
      name: 'a garbage code',
      form: () => ({ grant_type: 'authorization_code', code: 'not-a-code' }),
      error: 'invalid_grant',
      says: 'did not issue',
    },
    {
      name: "another client's code",
      form: (_code, _c, other) => ({ grant_type: 'authorization_code', code: other }),
      error: 'invalid_grant',
      says: 'another client',
    },
    {
      name: 'a redirect_uri other than the one at /authorize',
      form: (code, c) => ({ grant_type: 'authorization_code', code, redirect_uri: c.redirectUris[1] ?? '' }),
      error: 'invalid_grant',
      says: 'redirect_uri does not match',
    },
    {
      name: 'no redirect_uri when /authorize had one',
      form: (code) => ({ grant_type: 'authorization_code', code }),
      error: 'invalid_request',
      says: 'redirect_uri is missing',
    },
  ];
  for (const { name, form, error, says } of codeErrors) {
    test(`rejects ${name} with ${error}, never echoing the code`, async ({ emulator }) => {
      const client = await emulator.createClient({
        redirectUris: ['https://app.example.com/callback', 'https://app.example.com/other'],
      });
      const otherClient = await emulator.createClient();
      const { code } = await emulator.issueCode(client.clientId, { redirectUri: client.redirectUris[0] ?? '' });
      const { code: otherCode } = await emulator.issueCode(otherClient.clientId);
      const response = await postToken(emulator.baseUrl, form(code, client, otherCode), {
        authorization: basic(client.clientId, client.clientSecret),
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
      expect(String(response.body.error_description)).toContain(says);
      expect(String(response.body.error_description)).not.toContain(code.slice(0, 20));
    });
  }

  test('requires the code_verifier whose S256 hash was the code_challenge (RFC 7636 §4.6)', async ({
    emulator,
    emulatorClient,
  }) => {
    const verifier = 'emulator-self-test-verifier-0123456789-abcdefghijkl';
    const { code } = await emulator.issueCode(emulatorClient.clientId, { codeChallenge: await s256(verifier) });
    const auth = { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) };
    await test.step('without a verifier', async () => {
      const response = await postToken(emulator.baseUrl, { grant_type: 'authorization_code', code }, auth);
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: expect.stringContaining('code_verifier is missing'),
      });
    });
    await test.step('with the wrong verifier', async () => {
      const response = await postToken(
        emulator.baseUrl,
        { grant_type: 'authorization_code', code, code_verifier: `${verifier}x` },
        auth,
      );
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: expect.stringContaining('does not match'),
      });
    });
    await test.step('with the right verifier', async () => {
      const response = await postToken(
        emulator.baseUrl,
        { grant_type: 'authorization_code', code, code_verifier: verifier },
        auth,
      );
      expect(response.status).toBe(200);
    });
  });
});
