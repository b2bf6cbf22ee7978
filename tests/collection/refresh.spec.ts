import { envSnapshot, expect, fingerprint, test } from '../../fixtures';

test('refreshes the access token and stores it, keeping the refresh token unless GoTo rotated it', async ({ chain }) => {
  const settings = chain.settings();
  const before = envSnapshot(settings.envFile);

  const token = await chain.refresh();

  expect(envSnapshot(settings.envFile), 'only the token values changed').toEqual({
    ...before,
    GOTO_ACCESS_TOKEN: fingerprint(token.access_token),
    GOTO_ACCESS_TOKEN_EXPIRES_AT: expect.any(String),
    // GoTo sends a refresh_token only when it rotates it; then the old one stops working.
    GOTO_REFRESH_TOKEN: token.refresh_token ? fingerprint(token.refresh_token) : before.GOTO_REFRESH_TOKEN,
    ...(token.principal ? { GOTO_PRINCIPAL: token.principal } : {}),
  });
  expect(Date.parse(chain.settings().accessTokenExpiresAt ?? ''), 'the expiry is in the future').toBeGreaterThan(Date.now());
});
