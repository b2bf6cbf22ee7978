import { expect, test } from './fixtures';
import { type Client, decodeJwt, authorizeUrl, submitLogin } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the authorization endpoint: the
 * sign-in page, the redirect with a code or an error, and the code itself (RFC 6749 §4.1.1–4.1.2).
 * Each test registers its own client, so tests run in parallel against one emulator without seeing
 * each other.
 */

test.describe('authorization endpoint', () => {
  test('shows a sign-in page whose Email and Password labels point at their inputs', async ({
    emulator,
    emulatorClient,
  }) => {
    const response = await fetch(
      authorizeUrl(emulator.baseUrl, { client_id: emulatorClient.clientId, response_type: 'code', state: 's1' }),
      {
        redirect: 'manual',
      },
    );
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html, 'the Email label is tied to the email input').toMatch(
      /<label for="email">Email<\/label>[\s\S]*<input id="email" name="email"/,
    );
    expect(html, 'the Password label is tied to a password input').toMatch(
      /<label for="password">Password<\/label>[\s\S]*<input id="password" name="password" type="password"/,
    );
    expect(html).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny">Deny<\/button>/);
    expect(html, 'the OAuth parameters ride along as hidden fields').toContain(
      '<input type="hidden" name="state" value="s1">',
    );
  });

  test('redirects to the redirect URI with a code and the state after Allow', async ({ emulator, emulatorClient }) => {
    const redirectUri = emulatorClient.redirectUris[0] ?? '';
    const response = await submitLogin(emulator.baseUrl, {
      client_id: emulatorClient.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      state: 'opaque-1',
      email: emulatorClient.user.email,
      password: emulatorClient.user.password,
      decision: 'allow',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(location.searchParams.get('state'), 'state is echoed unchanged').toBe('opaque-1');
  });

  test('keeps the query of a registered redirect URI when it adds code and state', async ({ emulator }) => {
    const client = await emulator.createClient({ redirectUris: ['https://app.example.com/callback?tenant=blue'] });
    const response = await submitLogin(emulator.baseUrl, {
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUris[0] ?? '',
      state: 'st',
      email: client.user.email,
      password: client.user.password,
      decision: 'allow',
    });
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/callback');
    expect(location.searchParams.get('tenant'), 'the registered query survives').toBe('blue');
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('st');
  });

  test('issueCode signs in through GET and POST /oauth/authorize as a browser would', async ({
    emulator,
    emulatorClient,
  }) => {
    const { code, state } = await emulator.issueCode(emulatorClient.clientId, { state: 'via-control' });
    expect(code).toBeTruthy();
    expect(state).toBe('via-control');
    const requests = await emulator.requests(emulatorClient.clientId);
    expect(requests.map((r) => `${r.method} ${r.route}`)).toEqual(['GET authorize', 'POST authorize']);
    expect(requests[1]?.form).toMatchObject({
      client_id: emulatorClient.clientId,
      email: emulatorClient.user.email,
      decision: 'allow',
      state: 'via-control',
    });
  });

  test('redirects with error=access_denied and the state after Deny', async ({ emulator, emulatorClient }) => {
    const response = await submitLogin(emulator.baseUrl, {
      client_id: emulatorClient.clientId,
      response_type: 'code',
      state: 'd1',
      decision: 'deny',
    });
    const location = new URL(response.headers.get('location') ?? '');
    expect(response.status).toBe(302);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('d1');
    expect(location.searchParams.has('code'), 'no code after Deny').toBe(false);
  });

  test('shows the form again with an error message after a wrong password', async ({ emulator, emulatorClient }) => {
    const response = await submitLogin(emulator.baseUrl, {
      client_id: emulatorClient.clientId,
      response_type: 'code',
      email: emulatorClient.user.email,
      password: 'wrong',
      decision: 'allow',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('role="alert" class="error">The email or password is not correct.');
  });

  const pageErrors = [
    {
      name: 'an unknown client_id',
      params: (c: Client) => ({
        client_id: 'no-such-client',
        response_type: 'code',
        redirect_uri: c.redirectUris[0] ?? '',
      }),
      text: 'client not found',
    },
    {
      name: 'a missing client_id',
      params: (c: Client) => ({ response_type: 'code', redirect_uri: c.redirectUris[0] ?? '' }),
      text: 'no client_id',
    },
    {
      name: 'an unregistered redirect_uri',
      params: (c: Client) => ({
        client_id: c.clientId,
        response_type: 'code',
        redirect_uri: 'https://evil.example/cb',
      }),
      text: 'not one of the redirect URIs',
    },
  ];
  for (const { name, params, text } of pageErrors) {
    test(`answers ${name} with a 400 page and never redirects (RFC 6749 §4.1.2.1)`, async ({
      emulator,
      emulatorClient,
    }) => {
      const response = await fetch(authorizeUrl(emulator.baseUrl, params(emulatorClient)), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain(text);
    });
  }

  const redirectErrors: { name: string; params: Record<string, string>; error: string }[] = [
    { name: 'response_type=token', params: { response_type: 'token' }, error: 'unsupported_response_type' },
    { name: 'no response_type', params: {}, error: 'invalid_request' },
    {
      name: 'code_challenge_method=plain',
      params: { response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
      error: 'invalid_request',
    },
    { name: 'a scope the client lacks', params: { response_type: 'code', scope: 'admin:all' }, error: 'invalid_scope' },
  ];
  for (const { name, params, error } of redirectErrors) {
    test(`redirects ${name} back with error=${error} and the state`, async ({ emulator, emulatorClient }) => {
      const response = await fetch(
        authorizeUrl(emulator.baseUrl, { client_id: emulatorClient.clientId, state: 'e1', ...params }),
        { redirect: 'manual' },
      );
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('e1');
    });
  }

  test("issues a code that is an RS512 JWT carrying GoTo's claims and a 600-second life", async ({
    emulator,
    emulatorClient,
  }) => {
    const before = Math.floor(Date.now() / 1000);
    const { code } = await emulator.issueCode(emulatorClient.clientId);
    const after = Math.ceil(Date.now() / 1000);
    const { header, payload } = decodeJwt(code);
    expect(header).toEqual({ kid: expect.any(String), alg: 'RS512' });
    expect(payload).toMatchObject({
      typ: 'c',
      aud: emulatorClient.clientId,
      sub: emulatorClient.user.organizerKey,
      uri: emulatorClient.redirectUris[0],
      sc: 'collab: identity:scim.me',
      jti: expect.any(String),
      ls: expect.any(String),
    });
    expect(payload).toHaveProperty('ogn');
    expect(payload).toHaveProperty('levelOfAssurance');
    expect(Number(payload.exp) - Number(payload.iat), 'a code lasts 10 minutes').toBe(600);
    expect(Number(payload.iat), 'iat is the client clock when the code was issued').toBeGreaterThanOrEqual(before);
    expect(Number(payload.iat)).toBeLessThanOrEqual(after);
  });
});
