import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';

export const authorizeUrlInput = z.object({
  authBaseUrl: z.url(),
  clientId: z.string().min(1),
  redirectUri: z.url(),
  /** Opaque value echoed back on the redirect; check it there (RFC 6749 §10.12). */
  state: z.string().min(1),
  /** Space-separated; omitted means every scope the client has (docs/goto-facts.md §1). */
  scope: z.string().min(1).optional(),
  /** RFC 7636 §4.2 `S256` challenge; GoTo supports only S256. */
  codeChallenge: z.string().min(43).optional(),
});
export type AuthorizeUrlInput = z.input<typeof authorizeUrlInput>;

/**
 * The URL a person opens to log in and consent (RFC 6749 §4.1.1). It is built, not sent,
 * and holds no secret: the client secret is never part of it.
 */
export function authorizeUrl(input: AuthorizeUrlInput): URL {
  const { authBaseUrl, clientId, redirectUri, state, scope, codeChallenge } = authorizeUrlInput.parse(input);
  const url = new URL('/oauth/authorize', authBaseUrl);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  if (scope) url.searchParams.set('scope', scope);
  if (codeChallenge) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url;
}

/** A fresh `state`: 128 random bits, URL-safe. */
export function randomState(): string {
  return randomBytes(16).toString('base64url');
}

/** A PKCE verifier (RFC 7636 §4.1: 43-128 unreserved characters) and its S256 challenge (§4.2). */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
  return { codeVerifier, codeChallenge };
}
