import { envSnapshot, expect, fingerprint, test } from '../../fixtures';

test('exchanges the authorization code for tokens, stores them and removes the used code', async ({ chain }) => {
  const settings = chain.settings();
  test.skip(!settings.authCode, 'GOTO_AUTH_CODE is not set: the chain starts from the stored refresh token');
  const before = envSnapshot(settings.envFile);

  const token = await chain.exchangeCode();

  expect(token.refresh_token, 'a code exchange returns a refresh token (RFC 6749 §4.1.4)').toBeDefined();
  const { GOTO_AUTH_CODE: _usedCode, ...kept } = before;
  expect(envSnapshot(settings.envFile), 'the tokens are stored, the code is gone, every other value is kept').toEqual({
    ...kept,
    GOTO_ACCESS_TOKEN: fingerprint(token.access_token),
    GOTO_ACCESS_TOKEN_EXPIRES_AT: expect.any(String),
    GOTO_REFRESH_TOKEN: fingerprint(token.refresh_token ?? ''),
    ...(token.principal ? { GOTO_PRINCIPAL: token.principal } : {}),
  });
  expect(Date.parse(chain.settings().accessTokenExpiresAt ?? ''), 'the expiry is in the future').toBeGreaterThan(Date.now());
});
