import { expect, test } from './fixtures';
import { type Json, type Tokens, tokensFor, getMe } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: Users/me (SCIM): the signed-in
 * user’s record, and the Bearer challenges for a token it refuses (RFC 6750 §3). Each test
 * registers its own client, so tests run in parallel against one emulator without seeing each
 * other.
 */

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
