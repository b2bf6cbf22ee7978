import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { vercelApiInput, vercelApiRequest, type vercelErrorSchema } from './vercel-api';
import { vercelEnvVariableSchema } from './vercel-upsert-env';

/**
 * One variable as the list answers it. `value` is the value itself only for a `plain`
 * variable; an encrypted one comes with a ciphertext in its place and a sensitive one with
 * none ("non-readable once created",
 * https://vercel.com/docs/environment-variables/sensitive-environment-variables). A variable
 * for one Git branch (`gitBranch`) is not the environment's own.
 */
export const listedEnvVariableSchema = vercelEnvVariableSchema.extend({
  value: z.string().optional(),
  gitBranch: z.string().nullable().optional(),
});
export type ListedEnvVariable = z.infer<typeof listedEnvVariableSchema>;

/**
 * `200` body of GET /v10/projects/{idOrName}/env: `{"envs": [...]}`, sometimes with
 * `pagination` (the SDK's FilterProjectEnvsResponseBody2;
 * https://github.com/vercel/vercel/issues/9072 shows an answer without). There are no further
 * pages to ask for: the endpoint takes no page parameter.
 */
export const listEnvResponseSchema = z.looseObject({
  envs: z.array(listedEnvVariableSchema),
  pagination: z.looseObject({}).optional(),
});
export type ListEnvResponse = z.infer<typeof listEnvResponseSchema>;

export const listEnvInput = vercelApiInput.extend({
  /** The project id (`prj_…`) or name. */
  projectIdOrName: z.string().min(1),
  /** The one variable whose value reports may show; every other variable's value is left out of them. */
  shownKey: z.string().min(1),
});
export type ListEnvInput = z.input<typeof listEnvInput>;

/** What stands in a report for a value the list answered but this request does not show. */
export const notShownValue = '‹not shown›';

/**
 * GET /v10/projects/{idOrName}/env: "Retrieve the environment variables for a given project"
 * (https://vercel.com/docs/rest-api/projects/retrieve-the-environment-variables-of-a-project-by-id-or-name),
 * every environment at once. No `decrypt`: only a plain value is read. The answer holds the
 * project's other variables too, some of them plain and secret to the app, so reports show
 * only `shownKey`'s value.
 */
export function listEnvRequest(
  input: ListEnvInput,
): PreparedRequest<typeof listEnvResponseSchema, typeof vercelErrorSchema> {
  const { projectIdOrName, shownKey, ...api } = listEnvInput.parse(input);
  return vercelApiRequest(api, {
    step: 'read the record of the last sync from the Vercel environment variables',
    method: 'GET',
    path: `/v10/projects/${encodeURIComponent(projectIdOrName)}/env`,
    successStatus: 200,
    success: listEnvResponseSchema,
    shownJson: (json) => onlyValueOf(json, shownKey),
  });
}

/** The answer with every `envs[].value` but `key`'s replaced; anything else as it is. */
function onlyValueOf(json: unknown, key: string): unknown {
  if (!json || typeof json !== 'object' || !Array.isArray((json as { envs?: unknown }).envs)) return json;
  const envs = (json as { envs: unknown[] }).envs.map((variable) => {
    if (!variable || typeof variable !== 'object' || !('value' in variable)) return variable;
    return (variable as { key?: unknown }).key === key ? variable : { ...variable, value: notShownValue };
  });
  return { ...json, envs };
}
