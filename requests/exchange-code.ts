import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { tokenEndpointRequest } from './token-endpoint';
import type { oauthErrorSchema, tokenResponseSchema } from './token-response';

/** The step this request is, in titles and messages. */
export const exchangeCodeStep = 'exchange the authorization code for tokens';

export const exchangeCodeInput = z.object({
  authBaseUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** RFC 6749 §2.3.1 by default; see `basicAuthorization`. */
  basicEncoding: z.enum(['form-urlencoded', 'none']).default('form-urlencoded'),
  code: z.string().min(1),
  redirectUri: z.url(),
  /** RFC 7636 §4.5: sent only when the authorize URL carried a `code_challenge`. */
  codeVerifier: z.string().min(43).max(128).optional(),
});
export type ExchangeCodeInput = z.input<typeof exchangeCodeInput>;

/**
 * Exchange an authorization code for tokens (RFC 6749 §4.1.3). `redirect_uri` must be the
 * one the code was issued for. A code is single use and lasts 10 minutes.
 */
export function exchangeCodeRequest(
  input: ExchangeCodeInput,
): PreparedRequest<typeof tokenResponseSchema, typeof oauthErrorSchema> {
  const { authBaseUrl, clientId, clientSecret, basicEncoding, code, redirectUri, codeVerifier } =
    exchangeCodeInput.parse(input);
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
  if (codeVerifier) form.code_verifier = codeVerifier;
  return tokenEndpointRequest({
    step: exchangeCodeStep,
    authBaseUrl,
    clientId,
    clientSecret,
    basicEncoding,
    form,
    secrets: codeVerifier ? [code, codeVerifier] : [code],
    invalidGrantAdvice:
      'the code was expired, already used, or issued for another client or redirect URI: codes last 10 minutes and work once. Get a new code (authorize again, or run `npm run authorize-url` and log in), put it in GOTO_AUTH_CODE and run again.',
  });
}
