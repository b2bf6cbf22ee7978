import { expect, test, type EmulatorClient, type EmulatorControl } from './fixtures';

/*
 * The emulator's scopes and access-token revocation: a client has scopes, an authorization
 * fixes the ones its tokens carry, Users/me needs `identity:scim.me` and the Webinar API
 * `collab:` (emulator/scopes.ts), and the control API revokes access tokens
 * while a run is using them. Each test registers its own client.
 */

type Tokens = { access_token: string; refresh_token?: string; scope: string };

/** RFC 6749 §2.3.1: form-urlencode id and secret, join with ':', base64. */
function basic(client: EmulatorClient): string {
  const formEncode = (value: string) => new URLSearchParams([['v', value]]).toString().slice(2);
  const credentials = `${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

async function postToken(emulator: EmulatorControl, client: EmulatorClient, form: Record<string, string>) {
  const response = await fetch(`${emulator.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(client) },
    body: new URLSearchParams(form),
  });
  expect(response.status, 'the token request succeeds').toBe(200);
  return (await response.json()) as Tokens;
}

/** A person authorizes (asking for `scope`, if given) and the code is exchanged. */
async function authorize(emulator: EmulatorControl, client: EmulatorClient, scope?: string): Promise<Tokens> {
  const { code } = await emulator.issueCode(client.clientId, scope === undefined ? {} : { scope });
  return postToken(emulator, client, { grant_type: 'authorization_code', code });
}

function getMe(emulator: EmulatorControl, accessToken: string) {
  return fetch(`${emulator.baseUrl}/identity/v1/Users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
}

function getWebinars(emulator: EmulatorControl, client: EmulatorClient, accessToken: string) {
  const query = new URLSearchParams({ fromTime: '2020-01-01T00:00:00Z', toTime: '2040-01-01T00:00:00Z' });
  return fetch(`${emulator.baseUrl}/G2W/rest/v2/organizers/${client.user.organizerKey}/webinars?${query.toString()}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

test.describe('scopes granted at /oauth/authorize', () => {
  test('registers a client with identity:scim.me and collab: unless told otherwise', ({ emulatorClient }) => {
    expect(emulatorClient.scope.split(' ').sort()).toEqual(['collab:', 'identity:scim.me']);
  });

  test('grants every scope of the client when the authorize request asks for none', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await authorize(emulator, emulatorClient);

    expect(tokens.scope.split(' ').sort()).toEqual(['collab:', 'identity:scim.me']);
    const [issued] = await emulator.accessTokens(emulatorClient.clientId);
    expect(issued?.scope, 'the access token carries them').toBe(tokens.scope);
  });

  test('grants only the asked scopes the client has, and says which in the token response (RFC 6749 §3.3)', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await authorize(emulator, emulatorClient, 'identity:scim.me admin:all');

    expect(tokens.scope).toBe('identity:scim.me');
    expect((await getMe(emulator, tokens.access_token)).status, 'Users/me is granted').toBe(200);
    expect((await getWebinars(emulator, emulatorClient, tokens.access_token)).status, 'collab: was not').toBe(403);
  });

  test('counts a scope added to the client from the next authorization on: earlier tokens and their refreshes keep theirs', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ scope: 'collab:' });
    const before = await authorize(emulator, client);

    await emulator.updateClient(client.clientId, { scope: 'collab: identity:scim.me' });

    await test.step('the grant made before the change still lacks identity:scim.me', async () => {
      const refreshed = await postToken(emulator, client, {
        grant_type: 'refresh_token',
        refresh_token: before.refresh_token ?? '',
      });
      expect(refreshed.scope).toBe('collab:');
      expect((await getMe(emulator, refreshed.access_token)).status).toBe(403);
    });
    await test.step('a person authorizes again: the new grant has it', async () => {
      const after = await authorize(emulator, client);
      expect(after.scope.split(' ').sort()).toEqual(['collab:', 'identity:scim.me']);
      expect((await getMe(emulator, after.access_token)).status).toBe(200);
    });
  });
});

test.describe('APIs refuse a token without their scope', () => {
  test('Users/me answers a token without identity:scim.me with 403, an empty body and an insufficient_scope challenge naming the scope (RFC 6750 §3.1)', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await authorize(emulator, emulatorClient, 'collab:');

    const response = await getMe(emulator, tokens.access_token);

    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      /^Bearer error="insufficient_scope",error_description="[^"]+",scope="identity:scim\.me"$/,
    );
  });

  test('the Webinar API answers a token without collab: with 403 and int_err_code Forbidden', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await authorize(emulator, emulatorClient, 'identity:scim.me');

    const response = await getWebinars(emulator, emulatorClient, tokens.access_token);

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ int_err_code: 'Forbidden', msg: expect.any(String) });
  });

  const configured = [
    {
      route: 'users-me' as const,
      asked: 'collab:',
      refusal: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      call: getMe,
    },
    {
      route: 'webinars' as const,
      asked: 'identity:scim.me',
      refusal: {
        status: 403,
        headers: { 'content-type': 'application/json' },
        body: '{"int_err_code":"AccessDenied","msg":"no"}',
      },
      call: (emulator: EmulatorControl, accessToken: string, client: EmulatorClient) =>
        getWebinars(emulator, client, accessToken),
    },
  ];
  for (const { route, asked, refusal, call } of configured) {
    test(`answers a missing scope on ${route} with the status, headers and body configured for the client`, async ({
      emulator,
    }) => {
      const client = await emulator.createClient({ insufficientScope: { [route]: refusal } });
      const tokens = await authorize(emulator, client, asked);

      const response = await call(emulator, tokens.access_token, client);

      expect(response.status).toBe(refusal.status);
      for (const [name, value] of Object.entries(refusal.headers)) expect(response.headers.get(name)).toBe(value);
      expect(await response.text()).toBe(refusal.body ?? '');
    });
  }

  test('takes a changed answer to a missing scope with updateClient', async ({ emulator, emulatorClient }) => {
    const tokens = await authorize(emulator, emulatorClient, 'collab:');

    await emulator.updateClient(emulatorClient.clientId, { insufficientScope: { 'users-me': { status: 418 } } });

    expect((await getMe(emulator, tokens.access_token)).status).toBe(418);
  });
});

test.describe('revoking access tokens', () => {
  test('revokes the named access token: both APIs refuse it, its refresh token still refreshes', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await authorize(emulator, emulatorClient);
    const other = await authorize(emulator, emulatorClient);

    const revoked = await emulator.revokeAccessTokens(emulatorClient.clientId, tokens.access_token);

    expect(revoked).toBe(1);
    expect((await getMe(emulator, tokens.access_token)).status, 'RFC 6750 §3.1 invalid_token').toBe(401);
    const webinars = await getWebinars(emulator, emulatorClient, tokens.access_token);
    expect(webinars.status).toBe(403);
    expect(await webinars.json()).toEqual({ int_err_code: 'InvalidToken', msg: 'Invalid token passed' });
    expect((await getMe(emulator, other.access_token)).status, 'another token of the client still works').toBe(200);
    const refreshed = await postToken(emulator, emulatorClient, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect((await getMe(emulator, refreshed.access_token)).status, 'the refreshed one works').toBe(200);
  });

  test('revokes every live access token of the client when none is named', async ({ emulator, emulatorClient }) => {
    await authorize(emulator, emulatorClient);
    await authorize(emulator, emulatorClient);

    const revoked = await emulator.revokeAccessTokens(emulatorClient.clientId);

    expect(revoked).toBe(2);
    const active = (await emulator.accessTokens(emulatorClient.clientId)).filter((token) => token.active);
    expect(active).toEqual([]);
  });
});
