import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { tokenEndpointRequest } from './token-endpoint';
import type { oauthErrorSchema, tokenResponseSchema } from './token-response';

/** The step this request is, in titles and messages. */
export const refreshTokenStep = 'refresh the access token';

export const refreshTokenInput = z.object({
  authBaseUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** RFC 6749 §2.3.1 by default; see `basicAuthorization`. */
  basicEncoding: z.enum(['form-urlencoded', 'none']).default('form-urlencoded'),
  refreshToken: z.string().min(1),
});
export type RefreshTokenInput = z.input<typeof refreshTokenInput>;

/**
 * Get a new access token with the refresh token (RFC 6749 §6; GoTo "How to refresh an
 * access token"). GoTo answers with a new `refresh_token` only when it rotates the old one.
 */
export function refreshTokenRequest(
  input: RefreshTokenInput,
): PreparedRequest<typeof tokenResponseSchema, typeof oauthErrorSchema> {
  const { authBaseUrl, clientId, clientSecret, basicEncoding, refreshToken } = refreshTokenInput.parse(input);
  return tokenEndpointRequest({
    step: refreshTokenStep,
    authBaseUrl,
    clientId,
    clientSecret,
    basicEncoding,
    form: { grant_type: 'refresh_token', refresh_token: refreshToken },
    secrets: [refreshToken],
    // Whichever holder of a refresh token receives the rotated one is the only one left
    // (README, "One refresh token, several holders").
    invalidGrantAdvice:
      'the refresh token was rotated, revoked or has expired (they last 30 days); another holder of it ' +
      '(your app on Vercel, a CI job, another .env) may have refreshed and received a rotated token, ' +
      'which only that holder has: authorize again to get a new code, put it in GOTO_AUTH_CODE and run again, ' +
      'then let one holder refresh and the others take the tokens from it (README, "One refresh token, several holders").',
  });
}
