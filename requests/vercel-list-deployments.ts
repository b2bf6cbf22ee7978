import * as z from 'zod';
import type { PreparedRequest } from './request-definition';
import { vercelApiInput, vercelApiRequest, type vercelErrorSchema } from './vercel-api';

/** One deployment as GET /v6/deployments lists it; `uid` is its id (`dpl_…`). */
export const vercelDeploymentSummarySchema = z.looseObject({
  uid: z.string().min(1),
  name: z.string().min(1),
  url: z.string().optional(),
  created: z.number().optional(),
  state: z.string().optional(),
  readyState: z.string().optional(),
  target: z.string().nullable().optional(),
});
export type VercelDeploymentSummary = z.infer<typeof vercelDeploymentSummarySchema>;

export const listDeploymentsResponseSchema = z.looseObject({
  deployments: z.array(vercelDeploymentSummarySchema),
  pagination: z.looseObject({}).optional(),
});
export type ListDeploymentsResponse = z.infer<typeof listDeploymentsResponseSchema>;

export const latestProductionDeploymentInput = vercelApiInput.extend({
  /** The project id (`prj_…`) or name: "Filter deployments from the given ID or name". */
  projectIdOrName: z.string().min(1),
});
export type LatestProductionDeploymentInput = z.input<typeof latestProductionDeploymentInput>;

/**
 * GET /v6/deployments?projectId=…&target=production&state=READY&limit=1: the newest
 * production deployment that is live, the one to redeploy (list newest first; `target`
 * "Filter deployments based on the environment", `state` "based on their state")
 * (https://vercel.com/docs/rest-api/deployments/list-deployments).
 */
export function latestProductionDeploymentRequest(
  input: LatestProductionDeploymentInput,
): PreparedRequest<typeof listDeploymentsResponseSchema, typeof vercelErrorSchema> {
  const { projectIdOrName, ...api } = latestProductionDeploymentInput.parse(input);
  return vercelApiRequest(api, {
    step: 'find the latest production deployment on Vercel',
    method: 'GET',
    path: '/v6/deployments',
    query: { projectId: projectIdOrName, target: 'production', state: 'READY', limit: '1' },
    successStatus: 200,
    success: listDeploymentsResponseSchema,
  });
}
