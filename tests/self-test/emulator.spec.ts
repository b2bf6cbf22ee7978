import { test, expect } from '../../fixtures';
import { listeningSockets } from './helpers/listening-sockets';

/*
 * The GoTo emulator, checked against the behaviour it claims: RFC 6749 (OAuth 2.0),
 * RFC 6750 (Bearer), RFC 7636 (PKCE) and GoTo's own observed answers
 * (docs/goto-facts.md). Each test registers its own client, so tests run in
 * parallel against one emulator without seeing each other.
 */

type Client = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scope: string;
  user: { email: string; password: string; organizerKey: string; accountKey: string };
};
type Control = {
  baseUrl: string;
  issueCode(
    clientId: string,
    options?: { redirectUri?: string; scope?: string; state?: string; codeChallenge?: string },
  ): Promise<{ code: string; state?: string }>;
};
type Json = Record<string, unknown>;
type Tokens = {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  principal: string;
};

/** RFC 6749 §2.3.1 / Appendix B: form-urlencode id and secret, join with ':', base64. */
function basic(clientId: string, clientSecret: string): string {
  const formEncode = (value: string) => new URLSearchParams([['v', value]]).toString().slice(2);
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

function postToken(baseUrl: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(`${baseUrl}/oauth/token`, form, headers);
}

async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form), redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

async function tokensFor(emulator: Control, client: Client): Promise<Tokens> {
  const { code } = await emulator.issueCode(client.clientId);
  const response = await postToken(
    emulator.baseUrl,
    { grant_type: 'authorization_code', code },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
  expect(response.status, 'the code exchange succeeds').toBe(200);
  return response.body as Tokens;
}

function refresh(emulator: Control, client: Client, refreshToken: string) {
  return postToken(
    emulator.baseUrl,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
}

function decodeJwt(jwt: string): { header: Json; payload: Json } {
  const [header = '', payload = ''] = jwt.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;
  return { header: decode(header), payload: decode(payload) };
}

async function s256(verifier: string): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
}

function authorizeUrl(baseUrl: string, params: Record<string, string>): string {
  return `${baseUrl}/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

async function submitLogin(baseUrl: string, fields: Record<string, string>) {
  return fetch(`${baseUrl}/oauth/authorize`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

function getMe(baseUrl: string, authorization?: string) {
  return fetch(`${baseUrl}/identity/v1/Users/me`, { headers: authorization ? { authorization } : {} });
}

function getWebinars(
  baseUrl: string,
  organizerKey: string,
  accessToken: string | undefined,
  query: Record<string, string>,
) {
  return fetch(`${baseUrl}/G2W/rest/v2/organizers/${organizerKey}/webinars?${new URLSearchParams(query).toString()}`, {
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

const DAY = 86_400;
const wideRange = () => ({ fromTime: isoDaysFromNow(-400), toTime: isoDaysFromNow(400) });
function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

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

test.describe('token endpoint: client authentication', () => {
  test('decodes Basic credentials per RFC 6749 §2.3.1 when id and secret hold ":", "%", "+" and spaces', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({
      clientId: `odd:id%2B+${Date.now()}-${Math.random()}`,
      clientSecret: 'se:cr%et+with space/=',
    });
    const tokens = await tokensFor(emulator, client);
    expect(tokens.access_token).toBeTruthy();
    const [received] = (await emulator.requests(client.clientId)).filter((r) => r.route === 'token');
    const sent = Buffer.from((received?.headers.authorization ?? '').slice('Basic '.length), 'base64').toString('utf8');
    expect(sent, 'the id and secret travelled form-encoded inside the base64').toMatch(
      /^odd%3Aid%252B%2B.*:se%3Acr%25et%2Bwith\+space%2F%3D$/,
    );
  });

  test('registers a client with a secret of 24 random alphanumerics unless one is given', async ({ emulator }) => {
    const [first, second] = await Promise.all([emulator.createClient(), emulator.createClient()]);
    expect(first.clientSecret).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(second.clientSecret).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(first.clientSecret, 'each client has its own').not.toBe(second.clientSecret);
  });

  test('rejects Basic credentials that skipped form-encoding when the secret holds "+"', async ({ emulator }) => {
    const client = await emulator.createClient({ clientSecret: 'abc+def/ghi==' });
    const raw = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const response = await postToken(
      emulator.baseUrl,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { authorization: raw },
    );
    expect(response.status, "'+' decodes to a space, so the secret does not match").toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  test('accepts client_secret_post: client_id and client_secret in the body', async ({ emulator, emulatorClient }) => {
    const { code } = await emulator.issueCode(emulatorClient.clientId);
    const response = await postToken(emulator.baseUrl, {
      grant_type: 'authorization_code',
      code,
      client_id: emulatorClient.clientId,
      client_secret: emulatorClient.clientSecret,
    });
    expect(response.status).toBe(200);
    const [received] = (await emulator.requests(emulatorClient.clientId)).filter((r) => r.route === 'token');
    expect(received?.headers.authorization, 'no Authorization header was sent').toBeUndefined();
  });

  test('rejects Basic and client_secret_post in one request with invalid_request (RFC 6749 §2.3)', async ({
    emulator,
    emulatorClient,
  }) => {
    const response = await postToken(
      emulator.baseUrl,
      {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: emulatorClient.clientId,
        client_secret: emulatorClient.clientSecret,
      },
      { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) },
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  const badClients: {
    name: string;
    headers: (c: Client) => Record<string, string>;
    form?: (c: Client) => Record<string, string>;
    says: string;
  }[] = [
    {
      name: 'an unknown client id',
      headers: (c) => ({ authorization: basic('no-such-client', c.clientSecret) }),
      says: 'client not found',
    },
    {
      name: 'a wrong secret',
      headers: (c) => ({ authorization: basic(c.clientId, 'wrong') }),
      says: 'secret does not match',
    },
    { name: 'no client authentication', headers: () => ({}), says: 'authentication is missing' },
    {
      name: 'a Basic value that is not base64',
      headers: () => ({ authorization: 'Basic ***' }),
      says: 'malformed Basic',
    },
    {
      name: 'a Basic value without ":"',
      headers: () => ({ authorization: `Basic ${Buffer.from('just-an-id').toString('base64')}` }),
      says: 'malformed Basic',
    },
    {
      name: 'a client_id without client_secret',
      headers: () => ({}),
      form: (c) => ({ client_id: c.clientId }),
      says: 'client_secret is missing',
    },
  ];
  for (const { name, headers, form, says } of badClients) {
    test(`answers ${name} with 401 invalid_client and a Basic challenge`, async ({ emulator, emulatorClient }) => {
      const response = await postToken(
        emulator.baseUrl,
        { grant_type: 'refresh_token', refresh_token: 'x', ...form?.(emulatorClient) },
        headers(emulatorClient),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      expect(response.body).toEqual({ error: 'invalid_client', error_description: expect.stringContaining(says) });
    });
  }

  const grantErrors: { name: string; form: Record<string, string>; error: string }[] = [
    { name: 'a missing grant_type', form: {}, error: 'invalid_request' },
    {
      name: 'grant_type=client_credentials',
      form: { grant_type: 'client_credentials' },
      error: 'unsupported_grant_type',
    },
    {
      name: 'grant_type=password',
      form: { grant_type: 'password', username: 'u', password: 'p' },
      error: 'unsupported_grant_type',
    },
  ];
  for (const { name, form, error } of grantErrors) {
    test(`answers ${name} with 400 ${error}`, async ({ emulator, emulatorClient }) => {
      const response = await postToken(emulator.baseUrl, form, {
        authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret),
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
    });
  }

  test('answers a JSON body with 400 invalid_request: the token endpoint takes forms only', async ({
    emulator,
    emulatorClient,
  }) => {
    const response = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

test.describe('token endpoint: refresh_token grant', () => {
  test("rotation 'never' keeps one refresh token for its 30 days, then rejects it", async ({ emulator }) => {
    const client = await emulator.createClient({ rotation: 'never' });
    const tokens = await tokensFor(emulator, client);
    await test.step("a refresh answers GoTo's non-rotating shape: no refresh_token, no token_type", async () => {
      await emulator.advanceClock(client.clientId, 29 * DAY);
      const response = await refresh(emulator, client, tokens.refresh_token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        expires_in: 3600,
        scope: 'collab: identity:scim.me',
        principal: client.user.email,
      });
    });
    await test.step('after 30 days the same token is expired', async () => {
      await emulator.advanceClock(client.clientId, 2 * DAY);
      const response = await refresh(emulator, client, tokens.refresh_token);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
    });
  });

  test('by default a refresh renews the refresh token', async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);

    const refreshed = await refresh(emulator, emulatorClient, tokens.refresh_token);

    expect(refreshed.body.refresh_token, 'a new refresh token, one use each').toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
  });

  test('by default a refresh revokes the access tokens issued before it', async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);

    await refresh(emulator, emulatorClient, tokens.refresh_token);

    expect((await getMe(emulator.baseUrl, `Bearer ${tokens.access_token}`)).status, 'the earlier access token').toBe(
      401,
    );
  });

  test('by default a rotated-out refresh token sent again revokes the grant, its successor included', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const refreshed = await refresh(emulator, emulatorClient, tokens.refresh_token);

    const reused = await refresh(emulator, emulatorClient, tokens.refresh_token);

    expect(reused.body.error_description).toEqual(expect.stringContaining('the whole grant is revoked'));
    expect(
      (await refresh(emulator, emulatorClient, String(refreshed.body.refresh_token))).body.error,
      'its successor is revoked with it',
    ).toBe('invalid_grant');
  });

  test("rotation 'near-end' replaces the refresh token inside the 7-day window and rejects the old one", async ({
    emulator,
    emulatorClient,
  }) => {
    // Without reuse detection, so the new token outlives the old one's refusal.
    await emulator.updateClient(emulatorClient.clientId, { rotation: 'near-end', reuseDetection: false });
    const tokens = await tokensFor(emulator, emulatorClient);
    await test.step('outside the 7-day window the token is kept', async () => {
      const response = await refresh(emulator, emulatorClient, tokens.refresh_token);
      expect(response.body.refresh_token).toBeUndefined();
    });
    const rotated = await test.step('with 6 of 30 days left a new token comes back with token_type', async () => {
      await emulator.advanceClock(emulatorClient.clientId, 24 * DAY);
      const response = await refresh(emulator, emulatorClient, tokens.refresh_token);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        token_type: 'Bearer',
        refresh_token: expect.any(String),
        expires_in: 3600,
      });
      expect(response.body.refresh_token).not.toBe(tokens.refresh_token);
      return String(response.body.refresh_token);
    });
    await test.step('the old token is rejected, the new one has 30 fresh days', async () => {
      const old = await refresh(emulator, emulatorClient, tokens.refresh_token);
      expect(old.status).toBe(400);
      expect(old.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('rotated out') });
      const next = await refresh(emulator, emulatorClient, rotated);
      expect(next.status).toBe(200);
      expect(next.body.refresh_token, 'the new token is far from expiry, so it is kept').toBeUndefined();
    });
    await test.step('the emulator lists the old token inactive and the new one active and current', async () => {
      const listed = await emulator.refreshTokens(emulatorClient.clientId);
      expect(listed.map((t) => [t.token === tokens.refresh_token ? 'old' : 'new', t.active, t.current])).toEqual([
        ['old', false, false],
        ['new', true, true],
      ]);
    });
  });

  test('lists every access token issued to a client, oldest first', async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const refreshed = await refresh(emulator, emulatorClient, tokens.refresh_token);

    const listed = await emulator.accessTokens(emulatorClient.clientId);

    expect(
      listed.map((token) => [token.token === tokens.access_token, token.token === refreshed.body.access_token]),
      'the exchange’s token, then the refresh’s',
    ).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  test('lists an access token as inactive once its hour is up', async ({ emulator, emulatorClient }) => {
    await tokensFor(emulator, emulatorClient);
    const fresh = await emulator.accessTokens(emulatorClient.clientId);

    await emulator.advanceClock(emulatorClient.clientId, 3600);

    expect(
      fresh.map((token) => token.active),
      'active in its hour',
    ).toEqual([true]);
    expect((await emulator.accessTokens(emulatorClient.clientId)).map((token) => token.active)).toEqual([false]);
  });

  test("rotation 'near-end' renews only inside the window the client was given", async ({ emulator }) => {
    const client = await emulator.createClient({ rotation: 'near-end', rotationWindowSeconds: 2 * DAY });
    const tokens = await tokensFor(emulator, client);
    await emulator.advanceClock(client.clientId, 27 * DAY);
    const kept = await refresh(emulator, client, tokens.refresh_token);
    expect(kept.body.refresh_token, 'with 3 of 30 days left, outside a 2-day window, it is kept').toBeUndefined();

    await emulator.advanceClock(client.clientId, 1.5 * DAY);
    const renewed = await refresh(emulator, client, tokens.refresh_token);

    expect(renewed.body.refresh_token, 'with 1.5 days left it is renewed').toEqual(expect.any(String));
  });

  test("rotation 'every-refresh' (set with updateClient) returns a new refresh token each time and retires the old one", async ({
    emulator,
    emulatorClient,
  }) => {
    await emulator.updateClient(emulatorClient.clientId, { rotation: 'every-refresh' });
    const tokens = await tokensFor(emulator, emulatorClient);
    const first = await refresh(emulator, emulatorClient, tokens.refresh_token);
    const second = await refresh(emulator, emulatorClient, String(first.body.refresh_token));
    expect(first.body.token_type).toBe('Bearer');
    expect(second.status).toBe(200);
    expect(
      new Set([tokens.refresh_token, first.body.refresh_token, second.body.refresh_token]).size,
      'three distinct refresh tokens',
    ).toBe(3);
    const reused = await refresh(emulator, emulatorClient, String(first.body.refresh_token));
    expect(reused.body.error).toBe('invalid_grant');
  });

  test('with reuse detection, a rotated-out refresh token used again revokes the whole grant, successors and access tokens included (RFC 9700 §4.14.2)', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh', reuseDetection: true });
    const tokens = await tokensFor(emulator, client);
    const rotated = await refresh(emulator, client, tokens.refresh_token);
    expect(rotated.status, 'the first refresh works').toBe(200);

    const reused = await refresh(emulator, client, tokens.refresh_token);

    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringContaining('the whole grant is revoked'),
    });
    const successor = await refresh(emulator, client, String(rotated.body.refresh_token));
    expect(successor.body.error, 'the refresh token that replaced it is dead too').toBe('invalid_grant');
    expect(
      (await emulator.refreshTokens(client.clientId)).map((token) => token.active),
      'no refresh token of the grant works',
    ).toEqual([false, false]);
    expect(
      (await getMe(emulator.baseUrl, `Bearer ${String(rotated.body.access_token)}`)).status,
      'nor its access tokens',
    ).toBe(401);
  });

  test('without reuse detection, a rotated-out refresh token is refused and its successor keeps working', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh', reuseDetection: false });
    const tokens = await tokensFor(emulator, client);
    const rotated = await refresh(emulator, client, tokens.refresh_token);

    expect((await refresh(emulator, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
    expect((await refresh(emulator, client, String(rotated.body.refresh_token))).status).toBe(200);
  });

  test('reuse detection revokes only the grant of the reused token, not another authorization of the same client', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh', reuseDetection: true });
    const first = await tokensFor(emulator, client);
    const second = await tokensFor(emulator, client);
    const rotated = await refresh(emulator, client, first.refresh_token);

    const reused = await refresh(emulator, client, first.refresh_token);

    expect(reused.body.error_description, 'the reused grant is revoked').toEqual(
      expect.stringContaining('the whole grant is revoked'),
    );
    expect(
      (await refresh(emulator, client, String(rotated.body.refresh_token))).body.error,
      'its current refresh token with it',
    ).toBe('invalid_grant');
    expect((await refresh(emulator, client, second.refresh_token)).status, 'the other grant still refreshes').toBe(200);
  });

  test('updateClient answers the client’s settings as they are now, what it was not given unchanged', async ({
    emulator,
    emulatorClient,
  }) => {
    const settings = await emulator.updateClient(emulatorClient.clientId, {
      rotation: 'never',
      rotationGraceSeconds: 30,
      revokePreviousAccessTokens: false,
    });

    expect(settings).toMatchObject({
      rotation: 'never',
      rotationWindowSeconds: 7 * DAY,
      rotationGraceSeconds: 30,
      revokePreviousAccessTokens: false,
      reuseDetection: true,
    });
  });

  test('updateClient refuses an unknown rotation policy with 400, naming the known ones', async ({
    emulator,
    emulatorClient,
  }) => {
    const refused = await fetch(`${emulator.baseUrl}/__emulator/clients/${emulatorClient.clientId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rotation: 'always' }),
    });

    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('every-refresh');
  });

  test('in its grace period a rotated-out refresh token answers a new access token and the token that replaced it, without revoking the grant', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({
      rotation: 'every-refresh',
      rotationGraceSeconds: 60,
      reuseDetection: true,
    });
    const tokens = await tokensFor(emulator, client);
    const rotated = await refresh(emulator, client, tokens.refresh_token);
    await emulator.advanceClock(client.clientId, 59);

    const again = await refresh(emulator, client, tokens.refresh_token);

    expect(again.status).toBe(200);
    expect(again.body.refresh_token, 'the current refresh token, not a new one').toBe(rotated.body.refresh_token);
    expect(again.body.access_token).not.toBe(rotated.body.access_token);
    const listed = await emulator.refreshTokens(client.clientId);
    expect(
      listed.map((t) => [t.token === tokens.refresh_token ? 'old' : 'new', t.active, t.current, t.graceEndsAt]),
      'the old one still taken until its grace ends, the new one current; nothing renewed again',
    ).toEqual([
      ['old', true, false, expect.any(String)],
      ['new', true, true, undefined],
    ]);
    expect((await getMe(emulator.baseUrl, `Bearer ${String(again.body.access_token)}`)).status).toBe(200);
  });

  test('once its grace period is over, a rotated-out refresh token used again revokes the whole grant (RFC 9700 §4.14.2)', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({
      rotation: 'every-refresh',
      rotationGraceSeconds: 60,
      reuseDetection: true,
    });
    const tokens = await tokensFor(emulator, client);
    const rotated = await refresh(emulator, client, tokens.refresh_token);
    await emulator.advanceClock(client.clientId, 60);

    const reused = await refresh(emulator, client, tokens.refresh_token);

    expect(reused.body.error_description).toEqual(expect.stringContaining('the whole grant is revoked'));
    expect((await refresh(emulator, client, String(rotated.body.refresh_token))).body.error).toBe('invalid_grant');
  });

  test('the grace period covers only the refresh token just before the current one', async ({ emulator }) => {
    // Without reuse detection: the token two rotations back would otherwise revoke the grant.
    const client = await emulator.createClient({
      rotation: 'every-refresh',
      rotationGraceSeconds: 3600,
      reuseDetection: false,
    });
    const tokens = await tokensFor(emulator, client);
    const second = await refresh(emulator, client, tokens.refresh_token);
    const third = await refresh(emulator, client, String(second.body.refresh_token));

    const first = await refresh(emulator, client, tokens.refresh_token);
    const previous = await refresh(emulator, client, String(second.body.refresh_token));

    expect(first.body.error_description, 'two rotations back').toEqual(expect.stringContaining('rotated out'));
    expect(previous.body.refresh_token, 'one rotation back').toBe(third.body.refresh_token);
  });

  test('with revokePreviousAccessTokens, a refresh revokes the access tokens issued before it in the grant', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'never', revokePreviousAccessTokens: true });
    const tokens = await tokensFor(emulator, client);
    const other = await tokensFor(emulator, client);

    const refreshed = await refresh(emulator, client, tokens.refresh_token);

    expect((await getMe(emulator.baseUrl, `Bearer ${tokens.access_token}`)).status, 'the earlier one').toBe(401);
    expect((await getMe(emulator.baseUrl, `Bearer ${String(refreshed.body.access_token)}`)).status, 'the new one').toBe(
      200,
    );
    expect((await getMe(emulator.baseUrl, `Bearer ${other.access_token}`)).status, 'another grant’s').toBe(200);
  });

  test('without revokePreviousAccessTokens, leaves earlier access tokens valid after a refresh until their hour ends', async ({
    emulator,
    emulatorClient,
  }) => {
    await emulator.updateClient(emulatorClient.clientId, { revokePreviousAccessTokens: false });
    const tokens = await tokensFor(emulator, emulatorClient);
    const refreshed = await refresh(emulator, emulatorClient, tokens.refresh_token);
    expect(refreshed.body.access_token).not.toBe(tokens.access_token);
    expect(
      (await getMe(emulator.baseUrl, `Bearer ${tokens.access_token}`)).status,
      'the first access token still works',
    ).toBe(200);
    await emulator.advanceClock(emulatorClient.clientId, 3600);
    expect((await getMe(emulator.baseUrl, `Bearer ${tokens.access_token}`)).status, 'after 3600 s it has expired').toBe(
      401,
    );
  });

  const refreshErrors: {
    name: string;
    form: (other: string) => Record<string, string>;
    error: string;
    says: string;
  }[] = [
    {
      name: 'a missing refresh_token',
      form: () => ({ grant_type: 'refresh_token' }),
      error: 'invalid_request',
      says: 'refresh_token is missing',
    },
    {
      name: 'a garbage refresh_token',
      form: () => ({ grant_type: 'refresh_token', refresh_token: 'garbage' }),
      error: 'invalid_grant',
      says: 'did not issue',
    },
    {
      name: "another client's refresh_token",
      form: (other) => ({ grant_type: 'refresh_token', refresh_token: other }),
      error: 'invalid_grant',
      says: 'another client',
    },
  ];
  for (const { name, form, error, says } of refreshErrors) {
    test(`rejects ${name} with ${error}`, async ({ emulator, emulatorClient }) => {
      const other = await tokensFor(emulator, await emulator.createClient());
      const response = await postToken(emulator.baseUrl, form(other.refresh_token), {
        authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret),
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, error_description: expect.stringContaining(says) });
    });
  }
});

test.describe('identity: /identity/v1/Users/me', () => {
  test('returns the SCIM record with the organizer and account keys as 19-digit strings', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const response = await getMe(emulator.baseUrl, `Bearer ${tokens.access_token}`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text, 'the key is a JSON string, not a number that would lose digits').toContain(
      `"id":"${emulatorClient.user.organizerKey}"`,
    );
    const me = JSON.parse(text) as Json;
    expect(me).toMatchObject({ id: expect.stringMatching(/^\d{19}$/), userName: emulatorClient.user.email });
    expect(Number(me.id)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(me['urn:scim:schemas:extension:getgo:1.0']).toEqual({
      accounts: [expect.objectContaining({ value: emulatorClient.user.accountKey })],
    });
  });

  const badTokens: {
    name: string;
    authorization: (t: Tokens) => string | undefined;
    advance?: number;
    says: string;
  }[] = [
    { name: 'no token', authorization: () => undefined, says: 'No access token' },
    { name: 'a garbage token', authorization: () => 'Bearer garbage', says: 'not valid' },
    { name: 'a refresh token', authorization: (t) => `Bearer ${t.refresh_token}`, says: 'not valid' },
    { name: 'an expired token', authorization: (t) => `Bearer ${t.access_token}`, advance: 3600, says: 'expired' },
  ];
  for (const { name, authorization, advance, says } of badTokens) {
    test(`answers ${name} with 401, an empty body and a Bearer invalid_token challenge (RFC 6750 §3)`, async ({
      emulator,
      emulatorClient,
    }) => {
      const tokens = await tokensFor(emulator, emulatorClient);
      if (advance) await emulator.advanceClock(emulatorClient.clientId, advance);
      const response = await getMe(emulator.baseUrl, authorization(tokens));
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('');
      expect(response.headers.get('content-length')).toBe('0');
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer error="invalid_token",error_description="[^"]+"$/);
      expect(challenge).toContain(says);
    });
  }
});

test.describe('GoTo Webinar: list webinars', () => {
  const invalidTokens: { name: string; token: (t: Tokens) => string | undefined; advance?: number }[] = [
    { name: 'no token', token: () => undefined },
    { name: 'a garbage token', token: () => 'garbage' },
    { name: 'an expired token', token: (t) => t.access_token, advance: 3601 },
  ];
  for (const { name, token, advance } of invalidTokens) {
    test(`answers ${name} with 403 InvalidToken, not 401`, async ({ emulator, emulatorClient }) => {
      const tokens = await tokensFor(emulator, emulatorClient);
      if (advance) await emulator.advanceClock(emulatorClient.clientId, advance);
      const response = await getWebinars(
        emulator.baseUrl,
        emulatorClient.user.organizerKey,
        token(tokens),
        wideRange(),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ int_err_code: 'InvalidToken', msg: 'Invalid token passed' });
    });
  }

  test("answers another organizer's key with 403 AccessDenied", async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const response = await getWebinars(emulator.baseUrl, '1234567890123456789', tokens.access_token, wideRange());
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ int_err_code: 'AccessDenied', msg: expect.any(String) });
  });

  const badQueries: { name: string; query: Record<string, string> }[] = [
    { name: 'no fromTime', query: { toTime: isoDaysFromNow(1) } },
    { name: 'no toTime', query: { fromTime: isoDaysFromNow(-1) } },
    { name: 'an unparsable fromTime', query: { fromTime: 'yesterday', toTime: isoDaysFromNow(1) } },
    { name: 'fromTime after toTime', query: { fromTime: isoDaysFromNow(1), toTime: isoDaysFromNow(-1) } },
    { name: 'size=201', query: { ...wideRange(), size: '201' } },
    { name: 'size=0', query: { ...wideRange(), size: '0' } },
    { name: 'page=-1', query: { ...wideRange(), page: '-1' } },
  ];
  for (const { name, query } of badQueries) {
    test(`answers ${name} with 400 and GoTo's error shape`, async ({ emulator, emulatorClient }) => {
      const tokens = await tokensFor(emulator, emulatorClient);
      const response = await getWebinars(
        emulator.baseUrl,
        emulatorClient.user.organizerKey,
        tokens.access_token,
        query,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errorCode: 'InvalidRequest',
        description: expect.any(String),
        incident: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    });
  }

  test('pages through the webinars 0-based, each item as a live answer has it, every key a string', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const pages: Json[] = [];
    const texts: string[] = [];
    for (const page of ['0', '1', '2']) {
      const response = await getWebinars(emulator.baseUrl, emulatorClient.user.organizerKey, tokens.access_token, {
        ...wideRange(),
        page,
        size: '20',
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      texts.push(text);
      pages.push(JSON.parse(text) as Json);
    }
    expect(pages.map((p) => p.page)).toEqual(
      [0, 1, 2].map((number) => ({ size: 20, totalElements: 45, totalPages: 3, number })),
    );
    const webinars = pages.flatMap((p) => (p._embedded as { webinars: Json[] }).webinars);
    expect(webinars).toHaveLength(45);
    expect(new Set(webinars.map((w) => w.webinarKey)).size, 'no webinar on two pages').toBe(45);
    expect(texts.join(), 'keys are JSON strings').toMatch(/"webinarKey":"\d{19}"/);
    // A live list item (amp-labs/connectors PR #2983): `webinarId`, no `description`, and
    // `omid`, `registrationSettingsKey`, `breakoutsAllowed`, which the OpenAPI does not document.
    for (const webinar of webinars) {
      expect(webinar, 'no description, no webinarID').not.toHaveProperty('description');
      expect(webinar).not.toHaveProperty('webinarID');
      expect(webinar).toMatchObject({
        webinarKey: expect.stringMatching(/^\d{19}$/),
        webinarId: expect.stringMatching(/^\d{9}$/),
        omid: expect.stringMatching(/^\d{19}$/),
        registrationSettingsKey: expect.stringMatching(/^\d{8}$/),
        breakoutsAllowed: expect.any(Boolean),
        organizerKey: emulatorClient.user.organizerKey,
        accountKey: emulatorClient.user.accountKey,
        subject: expect.any(String),
        times: expect.arrayContaining([{ startTime: expect.any(String), endTime: expect.any(String) }]),
        timeZone: expect.any(String),
        locale: expect.stringMatching(/^(en_US|de_DE|es_ES|fr_FR|it_IT|zh_CN)$/),
        status: expect.any(String),
        approvalType: expect.stringMatching(/^(AUTOMATIC|MANUAL)$/),
        registrationUrl: expect.stringContaining(String(webinar.webinarKey)),
        impromptu: expect.any(Boolean),
        isPasswordProtected: expect.any(Boolean),
        recurrenceType: expect.stringMatching(/^(single_session|series|sequence)$/),
        experienceType: expect.stringMatching(/^(classic|broadcast|simulive)$/),
      });
    }
  });

  test('returns only webinars with a session overlapping [fromTime, toTime]', async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const range = { fromTime: isoDaysFromNow(0), toTime: isoDaysFromNow(20) };
    const response = await getWebinars(emulator.baseUrl, emulatorClient.user.organizerKey, tokens.access_token, {
      ...range,
      size: '200',
    });
    const body = (await response.json()) as {
      _embedded: { webinars: { times: { startTime: string; endTime: string }[] }[] };
      page: { totalElements: number };
    };
    expect(body.page.totalElements).toBeGreaterThan(0);
    expect(body.page.totalElements).toBeLessThan(45);
    for (const webinar of body._embedded.webinars) {
      const inRange = webinar.times.some(
        (t) =>
          Date.parse(t.startTime) <= Date.parse(range.toTime) && Date.parse(t.endTime) >= Date.parse(range.fromTime),
      );
      expect(inRange, 'each webinar has a session in the range').toBe(true);
    }
  });

  test('omits _embedded but keeps page when no webinar is in range', async ({ emulator, emulatorClient }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const response = await getWebinars(emulator.baseUrl, emulatorClient.user.organizerKey, tokens.access_token, {
      fromTime: isoDaysFromNow(300),
      toTime: isoDaysFromNow(301),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ page: { size: 20, totalElements: 0, totalPages: 0, number: 0 } });
  });
});

test.describe('faults', () => {
  test('answers the next token request with a queued fault once, records it, then behaves normally', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, {
      route: 'token',
      status: 503,
      headers: { 'content-type': 'text/plain', 'retry-after': '1' },
      body: 'maintenance',
    });
    const faulted = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('1');
    expect(await faulted.text()).toBe('maintenance');
    expect((await refresh(emulator, emulatorClient, tokens.refresh_token)).status, 'the fault is used up').toBe(200);
    const tokenRequests = (await emulator.requests(emulatorClient.clientId)).filter((r) => r.route === 'token');
    expect(
      tokenRequests.map((r) => r.form?.grant_type),
      'the faulted request was recorded too',
    ).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
  });

  test('fills an echo fault’s body and header values in from the request it answers, nothing for what it lacks', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, {
      route: 'token',
      status: 400,
      echo: true,
      headers: { 'content-type': 'text/plain', 'x-echo': 'got {{header.Authorization}}' },
      body: '{{form.grant_type}} of {{form.refresh_token}}, code "{{form.code}}"{{query.missing}}',
    });
    const authorization = basic(emulatorClient.clientId, emulatorClient.clientSecret);

    const faulted = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });

    expect(faulted.status).toBe(400);
    expect(faulted.headers.get('x-echo') === `got ${authorization}`, 'the header it received, quoted').toBe(true);
    expect((await faulted.text()) === `refresh_token of ${tokens.refresh_token}, code ""`, 'the form it received').toBe(
      true,
    );
  });

  test('refuses echo without a canned status', async ({ emulator, emulatorClient }) => {
    await expect(
      emulator.addFault(emulatorClient.clientId, { route: 'token', echo: true, delayMs: 10 }),
    ).rejects.toThrow(/echo/);
  });

  test('applies an API fault as many times as asked, attributed by the bearer token', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, { route: 'webinars', status: 429, body: '', times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await getWebinars(emulator.baseUrl, emulatorClient.user.organizerKey, tokens.access_token, wideRange()))
          .status,
      );
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  test('a fault with delayMs and no status handles the request only once the delay ends, then as usual', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh' });
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', delayMs: 60_000 });
    const answer = refresh(emulator, client, tokens.refresh_token);
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    const whileDelayed = await emulator.refreshTokens(client.clientId);
    await expect.poll(() => emulator.releaseHeld(client.clientId)).toBe(1);
    const answered = await answer;

    expect(
      whileDelayed.map((token) => token.token === tokens.refresh_token && token.current),
      'received, and not handled yet: the refresh token is not rotated',
    ).toEqual([true]);
    expect(answered.status, 'then handled as usual').toBe(200);
    expect(answered.body.refresh_token, 'with a rotated refresh token').not.toBe(tokens.refresh_token);
  });
});

test.describe('held answers', () => {
  test('holdMs rotates the refresh token at once and holds the answer back: a client that gives up never learns the new one', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh' });
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', holdMs: 60_000 });
    const abandon = new AbortController();
    const sent = fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(client.clientId, client.clientSecret) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      signal: abandon.signal,
    });
    // The request is recorded and handled in one go, so once it shows in the log the token is rotated.
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    abandon.abort();

    await expect(sent).rejects.toThrow();
    const issued = await emulator.refreshTokens(client.clientId);
    expect(
      issued.map((token) => [token.token === tokens.refresh_token ? 'old' : 'new', token.active]),
      'rotated while the answer was held',
    ).toEqual([
      ['old', false],
      ['new', true],
    ]);
  });

  test('releaseHeld sends a held answer at once', async ({ emulator }) => {
    const client = await emulator.createClient();
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', holdMs: 60_000 });
    const answer = refresh(emulator, client, tokens.refresh_token);
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    await expect.poll(() => emulator.releaseHeld(client.clientId)).toBe(1);

    expect((await answer).status).toBe(200);
  });

  test('refuses holdMs together with a canned status', async ({ emulator, emulatorClient }) => {
    await expect(
      emulator.addFault(emulatorClient.clientId, { route: 'token', holdMs: 100, status: 500 }),
    ).rejects.toThrow(/holdMs/);
  });
});

test.describe('the emulator itself', () => {
  test('listens on 127.0.0.1 only, as its server socket reports its bound address', async ({ emulator }) => {
    const port = Number(new URL(emulator.baseUrl).port);

    const socket = await emulator.listening();

    // getsockname(2) of the listening socket: 0.0.0.0 or :: here would take connections from other hosts.
    expect(socket).toEqual({ address: '127.0.0.1', family: 'IPv4', port, pid: expect.any(Number) });
    const overIpv6 = await fetch(`http://[::1]:${port}/__emulator/health`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(overIpv6, 'the IPv6 loopback is not bound').toBe('refused');
  });

  test('holds no listening socket on its port but 127.0.0.1’s, as the kernel lists them', async ({ emulator }) => {
    test.skip(process.platform !== 'linux', 'reads /proc/PID/net/tcp, which only Linux has');
    const { pid, port } = await emulator.listening();

    const sockets = await listeningSockets(pid);

    expect(
      sockets.filter((socket) => socket.port === port),
      'the emulator process listens on its port at 127.0.0.1 and nowhere else',
    ).toEqual([{ address: '127.0.0.1', port }]);
  });

  test('serves RFC 8414 metadata with its own URLs', async ({ emulator }) => {
    const response = await fetch(`${emulator.baseUrl}/.well-known/oauth-authorization-server`);
    expect(await response.json()).toMatchObject({
      issuer: emulator.baseUrl,
      authorization_endpoint: `${emulator.baseUrl}/oauth/authorize`,
      token_endpoint: `${emulator.baseUrl}/oauth/token`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  test("records each request in its client's log with lowercased headers and the client's clock", async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.advanceClock(emulatorClient.clientId, 10 * DAY);
    await fetch(`${emulator.baseUrl}/identity/v1/Users/me?probe=1`, {
      headers: { Authorization: `Bearer ${tokens.access_token}`, 'X-Trace': 'abc' },
    });
    const last = (await emulator.requests(emulatorClient.clientId)).at(-1);
    expect(last).toMatchObject({
      route: 'users-me',
      method: 'GET',
      path: '/identity/v1/Users/me',
      query: { probe: '1' },
    });
    expect(last?.headers['x-trace']).toBe('abc');
    expect(Date.parse(last?.at ?? '') - Date.now(), 'stamped 10 days ahead, on the client clock').toBeGreaterThan(
      9 * DAY * 1000,
    );
  });

  test('revokes a refresh token at /oauth/revoke so it neither introspects as active nor refreshes (RFC 7009, RFC 7662)', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const auth = { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) };
    const before = await postForm(`${emulator.baseUrl}/oauth/introspect`, { token: tokens.refresh_token }, auth);
    expect(before.body).toMatchObject({
      active: true,
      client_id: emulatorClient.clientId,
      username: emulatorClient.user.email,
    });
    expect((await postForm(`${emulator.baseUrl}/oauth/revoke`, { token: tokens.refresh_token }, auth)).status).toBe(
      200,
    );
    const after = await postForm(`${emulator.baseUrl}/oauth/introspect`, { token: tokens.refresh_token }, auth);
    expect(after.body).toEqual({ active: false });
    expect((await refresh(emulator, emulatorClient, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });
});
