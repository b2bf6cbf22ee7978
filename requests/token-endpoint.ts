import type { z } from 'zod';
import { gotoAuthService } from './api-service';
import { basicAuthorization, type BasicEncoding } from './client-authentication';
import { genericAdvice } from './generic-advice';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { oauthErrorSchema, tokenResponseSchema } from './token-response';
import { oauthErrorAdvice } from './oauth-error-advice';

type TokenRequestParts = {
  step: string;
  authBaseUrl: string;
  clientId: string;
  clientSecret: string;
  basicEncoding: BasicEncoding;
  form: Record<string, string>;
  secrets: string[];
  /** Advice for `invalid_grant`, which means something different for each grant. */
  invalidGrantAdvice: string;
};

/**
 * A `POST {auth}/oauth/token` call (RFC 6749 §3.2): form body, client authenticated with
 * HTTP Basic (§2.3.1), JSON back. Both grants share everything but the form and what
 * `invalid_grant` means.
 */
export function tokenEndpointRequest(
  parts: TokenRequestParts,
): PreparedRequest<typeof tokenResponseSchema, typeof oauthErrorSchema> {
  const authorization = basicAuthorization(parts.clientId, parts.clientSecret, parts.basicEncoding);
  return {
    step: parts.basicEncoding === 'none' ? `${parts.step} (plain Basic, as GoTo's docs show)` : parts.step,
    method: 'POST',
    url: new URL('/oauth/token', parts.authBaseUrl),
    headers: {
      authorization,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    form: parts.form,
    successStatus: 200,
    success: tokenResponseSchema,
    failure: oauthErrorSchema,
    service: gotoAuthService,
    secrets: [parts.clientSecret, authorization, authorization.slice('Basic '.length), ...parts.secrets],
    failureFacts: (status, body: z.output<typeof oauthErrorSchema> | undefined) => ({
      status,
      error: body?.error,
      description: body?.error_description,
    }),
    advice: (facts) => tokenEndpointAdvice(facts, parts.invalidGrantAdvice),
  };
}

function tokenEndpointAdvice(facts: FailureFacts, invalidGrantAdvice: string): string {
  // invalid_grant's advice depends on the grant (a code or a refresh token): each request says its own.
  if (facts.error === 'invalid_grant') return invalidGrantAdvice;
  return oauthErrorAdvice('token', facts.error) ?? genericAdvice(facts.status);
}
