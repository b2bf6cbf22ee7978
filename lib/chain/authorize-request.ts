import { authorizeUrl, createPkcePair, randomState } from '../../requests';
import type { SettingsWith } from '../config/goto-settings';

/** A login at GoTo's authorize endpoint, built from the settings, and what its redirect must be checked against. */
export type AuthorizeRequest = {
  url: URL;
  /** Sent in `url`; the redirect must carry it back (RFC 6749 §10.12). */
  state: string;
  /** For the code exchange, when `url` carries an S256 challenge (RFC 7636 §4.5). */
  codeVerifier?: string;
};

/**
 * The authorize URL for the configured client: its redirect URI, a fresh `state`, the scopes
 * of GOTO_SCOPE when set (unset, GoTo grants every scope the client has), and with `pkce` an
 * S256 challenge. For the browser login (tests/authorize/) and `npm run authorize-url`.
 */
export function authorizeRequest(
  settings: SettingsWith<'clientId' | 'redirectUri'>,
  options: { pkce?: boolean } = {},
): AuthorizeRequest {
  const state = randomState();
  const pkce = options.pkce ? createPkcePair() : undefined;
  const url = authorizeUrl({
    authBaseUrl: settings.authBaseUrl,
    clientId: settings.clientId,
    redirectUri: settings.redirectUri,
    state,
    scope: settings.scope,
    codeChallenge: pkce?.codeChallenge,
  });
  return pkce ? { url, state, codeVerifier: pkce.codeVerifier } : { url, state };
}
