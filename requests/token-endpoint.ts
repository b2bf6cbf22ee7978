import type { z } from 'zod';
import { gotoAuthService } from './api-service';
import { basicAuthorization, type BasicEncoding } from './client-authentication';
import { genericAdvice } from './generic-advice';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { oauthErrorSchema, tokenResponseSchema } from './token-response';

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
  switch (facts.error) {
    case 'invalid_grant':
      return invalidGrantAdvice;
    case 'invalid_client':
      return 'GoTo did not accept the client credentials: check GOTO_CLIENT_ID and GOTO_CLIENT_SECRET against your OAuth client at https://developer.logmeininc.com/clients (a lost secret cannot be shown again; create a new one there).';
    case 'unauthorized_client':
      return 'this OAuth client may not use this grant: check its grant types at https://developer.logmeininc.com/clients.';
    case 'invalid_scope':
      return 'a requested scope is not enabled on the OAuth client: tick it at https://developer.logmeininc.com/clients or ask for fewer scopes.';
    case 'invalid_request':
    case 'unsupported_grant_type':
      return 'GoTo rejected the shape of the request; this is a bug in goto-token-runner or a server that is not GoTo-compatible: check GOTO_AUTH_BASE_URL, then report it.';
    default:
      return genericAdvice(facts.status);
  }
}
