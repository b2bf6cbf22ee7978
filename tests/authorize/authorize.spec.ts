import { authorizeInBrowser, ensureBrowserCanRun, expect, test } from '../../fixtures';
import { authorizeRequest } from '../../lib/chain/authorize-request';
import { requireSettings } from '../../lib/config/goto-settings';
import { envSnapshot } from '../../lib/env-file/env-snapshot';
import { fingerprint } from '../../lib/http/redact';

// First-time authorization, what the form page, the address bar and the Bruno request did
// by hand. Against GoTo a person logs in (headed); on the emulator the form is filled in.
test.beforeAll(() => ensureBrowserCanRun({ headed: test.info().project.use.headless === false }));

test('logs in, exchanges the code at once, stores the tokens (in the env file, or the grant store), then proves them with a refresh and Users/me', async ({
  page,
  chain,
  login,
}) => {
  const settings = requireSettings(chain.settings(), ['clientId', 'clientSecret', 'redirectUri']);
  // A person logs in at GoTo for up to GOTO_LOGIN_TIMEOUT; the exchange and checks take a minute at most.
  test.setTimeout(settings.loginTimeoutMs + 60_000);
  // Asks for the scopes of GOTO_SCOPE when set; unset, GoTo grants every scope the client has.
  const { url, state, codeVerifier } = authorizeRequest(settings, { pkce: settings.pkce });

  const code = await test.step('log in at GoTo and allow access', () =>
    authorizeInBrowser(page, {
      url,
      redirectUri: settings.redirectUri,
      state,
      timeoutMs: settings.loginTimeoutMs,
      login,
    }));
  const token = await chain.exchangeCode({ code, codeVerifier });

  // In the env file, or with GOTO_GRANT_STORE set in the grant store (as its next version).
  const kept = await chain.keptTokens();
  expect(fingerprint(kept.accessToken ?? ''), 'the new access token is stored').toBe(fingerprint(token.access_token));
  expect(fingerprint(kept.refreshToken ?? ''), 'and the new refresh token').toBe(
    fingerprint(token.refresh_token ?? ''),
  );
  const refreshed = await chain.refresh();
  const me = await chain.usersMe();
  expect(fingerprint((await chain.keptTokens()).accessToken ?? ''), 'the refreshed access token is stored').toBe(
    fingerprint(refreshed.access_token),
  );
  expect(envSnapshot(settings.envFile).GOTO_ORGANIZER_KEY, 'and the organizer key').toBe(me.id);
});
