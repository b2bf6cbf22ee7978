import { expect, test } from './fixtures';
import { type Client, basic, postToken, tokensFor } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the token endpoint’s client
 * authentication: Basic per RFC 6749 §2.3.1, client_secret_post, and what it refuses. Each test
 * registers its own client, so tests run in parallel against one emulator without seeing each
 * other.
 */

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
