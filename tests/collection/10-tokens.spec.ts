import { expect, test } from '../../fixtures';
import { envSnapshot } from '../../lib/env-file/env-snapshot';
import { fingerprint } from '../../lib/http/redact';

/*
 * The token steps, in order: the exchange (when GOTO_AUTH_CODE holds a pasted code, and
 * on the built-in emulator, whose global setup logs in for you), then the refresh. A step
 * that fails stops the next one here, and every check of the run fails naming it (no other
 * token request is sent). Checks in later files get this run's token from the
 * `accessToken` fixture: however many workers, the run sends one token request.
 * `--grep @refresh` runs the refresh alone; `--grep-invert @tokens` the checks alone.
 */
test.describe.configure({ mode: 'serial' });

test(
  'exchanges the authorization code for tokens, stores them and removes the used code',
  { tag: '@tokens' },
  async ({ chain }) => {
    const settings = chain.settings();
    // A check beside it may have exchanged the code first: then this step reports that exchange.
    const exchanged = (await chain.grantsOfThisRun()).includes('authorization_code');
    test.skip(
      !settings.authCode && !exchanged,
      'GOTO_AUTH_CODE is not set: the chain starts from the stored refresh token',
    );
    const before = envSnapshot(settings.envFile);

    const token = await chain.exchangeCode();

    expect(token.refresh_token, 'a code exchange returns a refresh token (RFC 6749 §4.1.4)').toBeDefined();
    // Checks running beside it may store the organizer key meanwhile; nothing else may change.
    const { GOTO_AUTH_CODE: _usedCode, GOTO_ORGANIZER_KEY: _keyBefore, ...kept } = before;
    const { GOTO_ORGANIZER_KEY: _keyAfter, ...after } = envSnapshot(settings.envFile);
    // With GOTO_GRANT_STORE set, the tokens are the store's, and the env file only loses the code.
    const tokenKeys =
      chain.keptIn() === 'env-file'
        ? {
            GOTO_ACCESS_TOKEN: fingerprint(token.access_token),
            GOTO_ACCESS_TOKEN_EXPIRES_AT: expect.any(String),
            GOTO_REFRESH_TOKEN: fingerprint(token.refresh_token ?? ''),
            ...(token.scope ? { GOTO_GRANTED_SCOPE: token.scope } : {}),
            ...(token.principal ? { GOTO_PRINCIPAL: token.principal } : {}),
          }
        : {};
    expect(after, 'the code is gone, every other value is kept').toEqual({ ...kept, ...tokenKeys });
    const stored = await chain.keptTokens();
    expect(fingerprint(stored.accessToken ?? ''), 'the new access token is stored').toBe(
      fingerprint(token.access_token),
    );
    expect(fingerprint(stored.refreshToken ?? ''), 'and the new refresh token').toBe(
      fingerprint(token.refresh_token ?? ''),
    );
    expect(Date.parse(stored.accessTokenExpiresAt ?? ''), 'the expiry is in the future').toBeGreaterThan(Date.now());
  },
);

test(
  'refreshes the access token and stores it, keeping the refresh token unless GoTo rotated it (with a grant store, unless another holder stored a fresh one)',
  { tag: ['@tokens', '@refresh'] },
  async ({ chain }) => {
    const settings = chain.settings();
    const before = envSnapshot(settings.envFile);
    const storedBefore = chain.keptIn() === 'env-file' ? undefined : await chain.keptTokens();

    const token = await chain.refresh();

    // Checks running beside it may store the organizer key meanwhile; nothing else may change.
    const { GOTO_ORGANIZER_KEY: _keyBefore, ...kept } = before;
    const { GOTO_ORGANIZER_KEY: _keyAfter, ...after } = envSnapshot(settings.envFile);
    // With GOTO_GRANT_STORE set, the tokens are the store's, and the env file does not change.
    const tokenKeys =
      chain.keptIn() === 'env-file'
        ? {
            GOTO_ACCESS_TOKEN: fingerprint(token.access_token),
            GOTO_ACCESS_TOKEN_EXPIRES_AT: expect.any(String),
            // GoTo sends a refresh_token only when it rotates it; then the old one stops working.
            GOTO_REFRESH_TOKEN: token.refresh_token ? fingerprint(token.refresh_token) : before.GOTO_REFRESH_TOKEN,
            // The scopes granted, when the answer says; without `scope`, the stored value stays.
            ...(token.scope ? { GOTO_GRANTED_SCOPE: token.scope } : {}),
            ...(token.principal ? { GOTO_PRINCIPAL: token.principal } : {}),
          }
        : {};
    expect(after, 'only the token values changed').toEqual({ ...kept, ...tokenKeys });
    // On the env file, the snapshot taken right after the refresh proved what was stored; read
    // again later, it may already hold the token of another run that refreshed since.
    if (chain.keptIn() === 'env-file') return;
    // In the store, another holder (an app, another CI machine) may have refreshed since: then
    // the store is past the version it held before this step, and holds that holder's token.
    const stored = await chain.keptTokens();
    expect(stored.state).toBe('ok');
    if (fingerprint(stored.accessToken ?? '') !== fingerprint(token.access_token))
      expect(stored.version, 'the access token is the one stored, or a newer one').toBeGreaterThan(
        storedBefore?.version ?? 0,
      );
    expect(Date.parse(stored.accessTokenExpiresAt ?? ''), 'the expiry is in the future').toBeGreaterThan(Date.now());
  },
);
