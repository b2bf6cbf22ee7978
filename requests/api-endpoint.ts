import * as z from 'zod';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { genericAdvice } from './generic-advice';
import { gotoApiService } from './api-service';

/**
 * The product API's error bodies. The Webinar API answers a bad token with
 * `{"int_err_code":"InvalidToken","msg":"Invalid token passed"}` (docs/goto-facts.md §5e); other
 * errors carry `errorCode`/`description` in the client models. Every field is optional,
 * and the identity API sends no body at all.
 */
export const apiErrorSchema = z.looseObject({
  int_err_code: z.string().optional(),
  msg: z.string().optional(),
  errorCode: z.string().optional(),
  description: z.string().optional(),
  message: z.string().optional(),
  incident: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

type ApiRequestParts<Success extends z.ZodType> = {
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
        error: body?.int_err_code ?? body?.errorCode ?? challenge.error,
        description: body?.msg ?? body?.description ?? body?.message ?? challenge.error_description,
      };
    },
    advice: (facts) => parts.advice?.(facts) ?? apiAdvice(facts),
  };
}

function apiAdvice(facts: FailureFacts): string {
  if (facts.status === 401 || facts.error === 'InvalidToken' || facts.error === 'invalid_token') {
    return 'the access token is invalid or has expired (they last 60 minutes): run the refresh step (`npx playwright test --project=refresh`).';
  }
  if (facts.status === 403) {
    return 'the token is not allowed to do this: check that the OAuth client has the GoTo Webinar scopes and that GOTO_ORGANIZER_KEY belongs to the signed-in user.';
  }
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
