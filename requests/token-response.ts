import * as z from 'zod';

/**
 * The token endpoint's success body, shared by both grants (GoTo "How to refresh an
 * access token", Response data; RFC 6749 §5.1). Only `access_token` and `expires_in` are
 * always sent: GoTo omits `refresh_token` (and, in its own example, `token_type`) unless
 * it has rotated the refresh token. Unknown fields are kept, because the retired token
 * host also sent `organizer_key`, `account_key` and more (docs/goto-facts.md §3b).
 */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  principal: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** The token endpoint's error body (RFC 6749 §5.2). */
export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});
export type OAuthError = z.infer<typeof oauthErrorSchema>;
