import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { vercelApiInput, vercelApiRequest, type vercelErrorSchema } from './vercel-api';

/** The new deployment; it is queued, not yet built. */
export const redeployResponseSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string().optional(),
  name: z.string().optional(),
  readyState: z.string().optional(),
  target: z.string().nullable().optional(),
});
export type RedeployResponse = z.infer<typeof redeployResponseSchema>;

export const redeployInput = vercelApiInput.extend({
  /** The project id (`prj_…`) or name: "The target project identifier … overrides name". */
  projectIdOrName: z.string().min(1),
  /** The deployment to build again (`dpl_…`). */
  deploymentId: z.string().min(1),
  /** Its name: `name` is the one field the endpoint requires. */
  name: z.string().min(1),
});
export type RedeployInput = z.input<typeof redeployInput>;

/**
 * POST /v13/deployments with `deploymentId`: "a deployment id can be specified to redeploy
 * a previous deployment", here to production (`target`)
 * (https://vercel.com/docs/rest-api/deployments/create-a-new-deployment). A new deployment
 * is what makes changed variables take effect: "Changes to environment variables are not
 * applied to previous deployments … You must redeploy your project"
 * (https://vercel.com/docs/environment-variables/managing-environment-variables).
 */
export function redeployRequest(
  input: RedeployInput,
): PreparedRequest<typeof redeployResponseSchema, typeof vercelErrorSchema> {
  const { projectIdOrName, deploymentId, name, ...api } = redeployInput.parse(input);
  return vercelApiRequest(api, {
    step: 'redeploy the latest production deployment on Vercel',
    method: 'POST',
    path: '/v13/deployments',
    json: { name, project: projectIdOrName, deploymentId, target: 'production' },
    successStatus: 200,
    success: redeployResponseSchema,
  });
}
