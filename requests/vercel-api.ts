import * as z from 'zod';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { vercelApiService } from './api-service';

/**
 * Vercel's error body, the same for every endpoint (https://vercel.com/docs/rest-api/errors):
 * `{"error": {"code": "forbidden", "message": "Not authorized"}}`, with extra fields on some
 * (`invalidToken`, `limit`, `key`, …). Every field is optional: a proxy or an outage may
 * answer something else, and the message must still say the status.
 */
export const vercelErrorSchema = z.looseObject({
  error: z
    .looseObject({
      code: z.string().optional(),
      message: z.string().optional(),
      invalidToken: z.boolean().optional(),
    })
    .optional(),
});
export type VercelError = z.infer<typeof vercelErrorSchema>;

/** The environments a project variable can target (`target` in the REST API). */
export const vercelTargets = ['production', 'preview', 'development'] as const;
export const vercelTarget = z.enum(vercelTargets);
export type VercelTarget = z.infer<typeof vercelTarget>;

/** What every call to the Vercel REST API needs: where, as whom, on behalf of which team. */
export const vercelApiInput = z.object({
  apiBaseUrl: z.url(),
  /** A Vercel access token (https://vercel.com/docs/rest-api#authentication). */
  token: z.string().min(1),
  /** The team that owns the project; absent for a personal account. */
  teamId: z.string().min(1).optional(),
});
export type VercelApiInput = z.input<typeof vercelApiInput>;

type VercelRequestParts<Success extends z.ZodType> = {
  step: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  successStatus: number;
  success: Success;
  /** Secret values in the body besides the token (the variables' values). */
  secrets?: string[];
  /** What of the answer reports may show (see PreparedRequest). */
  shownJson?: (json: unknown) => unknown;
};

/**
 * A call to the Vercel REST API (https://vercel.com/docs/rest-api): JSON in and out,
 * `Authorization: Bearer <token>` ("Vercel Access Tokens are required to authenticate"),
 * and `teamId` in the query when the project belongs to a team ("The Team identifier to
 * perform the request on behalf of", on every endpoint used here).
 */
export function vercelApiRequest<Success extends z.ZodType>(
  api: z.output<typeof vercelApiInput>,
  parts: VercelRequestParts<Success>,
): PreparedRequest<Success, typeof vercelErrorSchema> {
  const url = new URL(parts.path, api.apiBaseUrl);
  for (const [name, value] of Object.entries(parts.query ?? {})) url.searchParams.set(name, value);
  if (api.teamId) url.searchParams.set('teamId', api.teamId);
  return {
    step: parts.step,
    method: parts.method,
    url,
    headers: {
      authorization: `Bearer ${api.token}`,
      accept: 'application/json',
      ...(parts.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(parts.json === undefined ? {} : { json: parts.json }),
    successStatus: parts.successStatus,
    success: parts.success,
    failure: vercelErrorSchema,
    service: vercelApiService,
    secrets: [api.token, ...(parts.secrets ?? [])],
    ...(parts.shownJson ? { shownJson: parts.shownJson } : {}),
    failureFacts: vercelFailureFacts,
    advice: vercelAdvice,
  };
}

/** Vercel's `error.code` and `error.message` (https://vercel.com/docs/rest-api/errors). */
export function vercelFailureFacts(status: number, body: VercelError | undefined): FailureFacts {
  return { status, error: body?.error?.code, description: body?.error?.message };
}

/** What a person should do after a Vercel REST API failure. */
export function vercelAdvice(facts: FailureFacts): string {
  if (facts.status === 401 || facts.status === 403 || facts.error === 'forbidden') {
    return 'Vercel did not accept VERCEL_TOKEN for this project: create a token at https://vercel.com/account/tokens whose scope includes the team that owns the project, put it in VERCEL_TOKEN, set VERCEL_TEAM_ID for a team project, and run again.';
  }
  if (facts.status === 404 || facts.error === 'not_found') {
    return 'Vercel found no such project for this token: check VERCEL_PROJECT_ID (Project → Settings → General → Project ID) and, for a team project, VERCEL_TEAM_ID (Team → Settings → General → Team ID).';
  }
  if (facts.error === 'ENV_CONFLICT' || facts.error === 'ENV_ALREADY_EXISTS') {
    return 'a variable with this name already exists in a way Vercel will not update in place (for example for a Git branch, or for several environments in a different combination): delete it under Project → Settings → Environment Variables and run again.';
  }
  return vercelGenericAdvice(facts.status);
}

/** Advice that depends only on the status, for Vercel calls. */
export function vercelGenericAdvice(status: number): string {
  if (status === 429) return 'Vercel is rate limiting this token: wait a few minutes and run again.';
  if (status >= 500)
    return 'Vercel had a server error: try again in a few minutes and check https://www.vercel-status.com.';
  if (status === 400)
    return 'Vercel rejected the request (its message says why): check VERCEL_TARGETS and VERCEL_PROJECT_ID, then run again.';
  return 'check the VERCEL_* settings and run again.';
}
