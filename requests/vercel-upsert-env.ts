import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { vercelApiInput, vercelApiRequest, vercelTarget, type vercelErrorSchema } from './vercel-api';

/**
 * How a value is stored. `sensitive`: "non-readable once created", allowed "only … in the
 * Production and Preview environments"; `encrypted`: encrypted at rest, readable by project
 * members (https://vercel.com/docs/environment-variables/sensitive-environment-variables);
 * `plain`: stored as it is and listed with its value
 * (https://github.com/vercel/vercel/pull/5345), for what is no secret (the sync's record,
 * lib/vercel/sync-record.ts).
 */
export const vercelEnvType = z.enum(['sensitive', 'encrypted', 'plain']);
export type VercelEnvType = z.infer<typeof vercelEnvType>;

/** One project variable as Vercel answers it; its value is never read back. */
export const vercelEnvVariableSchema = z.looseObject({
  id: z.string().optional(),
  key: z.string().optional(),
  type: z.string().optional(),
  target: z.union([z.array(z.string()), z.string()]).optional(),
});

/** A variable Vercel refused although the request as a whole succeeded. */
export const vercelEnvFailureSchema = z.looseObject({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string().optional(),
    key: z.string().optional(),
  }),
});
export type VercelEnvFailure = z.infer<typeof vercelEnvFailureSchema>;

/**
 * `201` body of POST /v10/projects/{idOrName}/env: `created` (one variable, or a list when
 * a list was sent) and `failed`, the variables it refused
 * (https://vercel.com/docs/rest-api/projects/create-one-or-more-environment-variables).
 */
export const upsertEnvResponseSchema = z.looseObject({
  created: z.union([vercelEnvVariableSchema, z.array(vercelEnvVariableSchema)]).optional(),
  failed: z.array(vercelEnvFailureSchema).default([]),
});
export type UpsertEnvResponse = z.infer<typeof upsertEnvResponseSchema>;

/** Vercel's own rule for names (letters, digits, underscores; not starting with a digit). */
const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be letters, digits and underscores' });

export const upsertEnvInput = vercelApiInput
  .extend({
    /** The project id (`prj_…`) or name. */
    projectIdOrName: z.string().min(1),
    target: vercelTarget,
    type: vercelEnvType,
    variables: z.record(envKey, z.string()),
    /** The step's title; default: saving the GoTo values. */
    step: z.string().min(1).optional(),
  })
  .refine((input) => !(input.type === 'sensitive' && input.target === 'development'), {
    error: 'Vercel allows sensitive variables only in production and preview; use `encrypted` for development',
    path: ['type'],
  });
export type UpsertEnvInput = z.input<typeof upsertEnvInput>;

/**
 * POST /v10/projects/{idOrName}/env?upsert=true: creates or updates the variables for one
 * environment. "If you include `upsert=true` as a query parameter, a new environment
 * variable will not be created if it already exists but, the existing variable's value
 * will be updated"
 * (https://vercel.com/docs/rest-api/projects/create-one-or-more-environment-variables).
 * One environment per request: Vercel answers 400 ENV_CONFLICT to an upsert whose target
 * list differs from the existing variable's, while one target at a time updates it in place
 * (not in Vercel's docs; observed by others, https://github.com/getsentry/sentry/pull/118490).
 */
export function upsertEnvRequest(
  input: UpsertEnvInput,
): PreparedRequest<typeof upsertEnvResponseSchema, typeof vercelErrorSchema> {
  const { projectIdOrName, target, type, variables, step, ...api } = upsertEnvInput.parse(input);
  // A plain value is readable on Vercel anyway, and shown as it is.
  const values = type === 'plain' ? [] : Object.values(variables);
  return vercelApiRequest(api, {
    step: `${step ?? 'save the GoTo values as Vercel environment variables'} (${target})`,
    method: 'POST',
    path: `/v10/projects/${encodeURIComponent(projectIdOrName)}/env`,
    query: { upsert: 'true' },
    json: Object.entries(variables).map(([key, value]) => ({ key, value, type, target: [target] })),
    successStatus: 201,
    success: upsertEnvResponseSchema,
    secrets: values,
  });
}
