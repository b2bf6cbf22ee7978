import { expect, test } from './fixtures';
import { basic, postToken, tokensFor, refresh, getMe, DAY } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the token endpoint’s refresh_token
 * grant: the rotation policies, reuse detection (RFC 9700 §4.14.2), grace periods and access-token
 * revocation. Each test registers its own client, so tests run in parallel against one emulator
 * without seeing each other.
 */

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
