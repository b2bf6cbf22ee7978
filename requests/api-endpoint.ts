import * as z from 'zod';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { genericAdvice } from './generic-advice';
import { gotoApiService } from './api-service';
import { developerCenterUrl } from './goto-hosts';
import { missingScopeAdvice, type GotoScope } from './goto-scopes';
import { webinarForbiddenAdvice, type WebinarPathKey } from './webinar-forbidden';

/**
 * The product API's error bodies. The Webinar API answers a bad token with
 * `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}` (docs/goto-facts.md §5e); other
 * errors carry `errorCode`/`description` in the client models, and a gateway may answer in
 * OAuth's `error`/`error_description` (RFC 6750 §3). Every field is optional, one of another
 * type is left out rather than refused, and the identity API sends no body at all.
 */
export const apiErrorSchema = z.looseObject({
  int_err_code: z.string().optional().catch(undefined),
  msg: z.string().optional().catch(undefined),
  errorCode: z.string().optional().catch(undefined),
  description: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  incident: z.string().optional().catch(undefined),
  error: z.string().optional().catch(undefined),
  error_description: z.string().optional().catch(undefined),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/**
 * What the advice for a failed API call knows beyond the answer: the scope the API needs,
 * for a Webinar call the key its path names, and whether the call repeats one whose access
 * token was rejected, with the token a refresh has just given (lib/chain/token-chain.ts).
 */
export type ApiCallContext = { scope: GotoScope; webinarPathKey?: WebinarPathKey; afterRefresh?: boolean };

type ApiRequestParts<Success extends z.ZodType> = ApiCallContext & {
  step: string;
  url: URL;
  accessToken: string;
  success: Success;
};

type ApiCallParts<Success extends z.ZodType> = ApiRequestParts<Success> & {
  method: PreparedRequest['method'];
  /** Default 200. */
  successStatus?: number;
  /** A JSON body (RFC 8259), sent with `content-type: application/json`. */
  json?: unknown;
  /** More headers, such as the `Accept` that picks createRegistrant's version. */
  headers?: Record<string, string>;
  /** Advice for this call's own failures (a 404 for an unknown key, a 409); the API's advice otherwise. */
  advice?: (facts: FailureFacts) => string | undefined;
};

/** A `GET` on the product API with `Authorization: Bearer` (RFC 6750 §2.1). */
export function apiGetRequest<Success extends z.ZodType>(
  parts: ApiRequestParts<Success>,
): PreparedRequest<Success, typeof apiErrorSchema> {
  return apiRequest({ ...parts, method: 'GET' });
}

/** A call of any method on the product API with `Authorization: Bearer` (RFC 6750 §2.1). */
export function apiRequest<Success extends z.ZodType>(
  parts: ApiCallParts<Success>,
): PreparedRequest<Success, typeof apiErrorSchema> {
  return {
    step: parts.step,
    method: parts.method,
    url: parts.url,
    headers: {
      authorization: `Bearer ${parts.accessToken}`,
      accept: 'application/json',
      ...(parts.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...parts.headers,
    },
    ...(parts.json === undefined ? {} : { json: parts.json }),
    successStatus: parts.successStatus ?? 200,
    success: parts.success,
    failure: apiErrorSchema,
    service: gotoApiService,
    secrets: [parts.accessToken],
    failureFacts: (status, body, headers) => {
      const challenge = parseBearerChallenge(headers.get('www-authenticate'));
      return {
        status,
        error: body?.int_err_code ?? body?.errorCode ?? body?.error ?? challenge.error,
        description:
          body?.msg ?? body?.description ?? body?.message ?? body?.error_description ?? challenge.error_description,
      };
    },
    advice: (facts) =>
      parts.advice?.(facts) ??
      apiAdvice(facts, {
        scope: parts.scope,
        webinarPathKey: parts.webinarPathKey,
        afterRefresh: parts.afterRefresh,
      }),
  };
}

/**
 * Whether an API refused the access token itself (revoked, or expired): Users/me answers
 * 401 (RFC 6750 §3.1 `invalid_token`), the Webinar API 403 `InvalidToken` (n8n-io/n8n issue 14077).
 * A refresh may cure it; a missing scope (any other 403) it cannot.
 */
export function rejectsToken(facts: Pick<FailureFacts, 'status' | 'error'>): boolean {
  return facts.status === 401 || facts.error === 'InvalidToken' || facts.error === 'invalid_token';
}

/** What to do about a failed API call, from its answer and what the call knows (`ApiCallContext`). */
export function apiAdvice(facts: FailureFacts, context: ApiCallContext): string {
  const { scope } = context;
  if (rejectsToken(facts)) {
    if (context.afterRefresh) {
      return (
        'GoTo also rejected the access token a refresh had just given, so the token did not simply expire: ' +
        'the grant may have been revoked (access removed in the GoTo account) or the OAuth client changed. ' +
        'Authorize again (`npx playwright test --project=authorize`); if it goes on, check at ' +
        `${developerCenterUrl} that the client has the scope ${scope.scope} ("${scope.label}").`
      );
    }
    return (
      'the access token is invalid or has expired (they last 60 minutes): ' +
      'run the refresh step (`npx playwright test --grep @refresh`).'
    );
  }
  // A Webinar 403 has more causes than a scope (requests/webinar-forbidden.ts); Users/me's only one.
  if (facts.status === 403 && context.webinarPathKey) return webinarForbiddenAdvice(facts, context.webinarPathKey);
  if (facts.error === 'insufficient_scope' || facts.status === 403) return missingScopeAdvice(scope);
  if (facts.status === 400) return 'GoTo rejected the query parameters: check the time range and paging values.';
  return genericAdvice(facts.status);
}

/** Reads `error` and `error_description` from a `WWW-Authenticate: Bearer …` header (RFC 6750 §3). */
export function parseBearerChallenge(header: string | null): { error?: string; error_description?: string } {
  const result: { error?: string; error_description?: string } = {};
  if (!header) return result;
  for (const match of header.matchAll(/(error|error_description)="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name === 'error' || name === 'error_description') result[name] = value;
  }
  return result;
}
