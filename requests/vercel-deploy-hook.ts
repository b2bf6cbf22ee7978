import * as z from 'zod';
import type { FailureFacts, PreparedRequest } from './request-definition';
import { vercelDeployHookService } from './api-service';
import { vercelErrorSchema, vercelFailureFacts, vercelGenericAdvice } from './vercel-api';

/** `{"job": {"id": "…", "state": "PENDING", "createdAt": 1662825789999}}` (the docs' example response). */
export const deployHookResponseSchema = z.looseObject({
  job: z.looseObject({
    id: z.string().min(1),
    state: z.string().optional(),
    createdAt: z.number().optional(),
  }),
});
export type DeployHookResponse = z.infer<typeof deployHookResponseSchema>;

export const deployHookInput = z.object({
  /** `https://api.vercel.com/v1/integrations/deploy/{projectId}/{hookId}`. */
  hookUrl: z.url(),
});
export type DeployHookInput = z.input<typeof deployHookInput>;

/**
 * POST to a deploy hook URL: it "trigger[s] deployments and re-run[s] the Build Step" of the
 * hook's branch; "there is no need to use any authentication mechanism or provide any
 * payload" (https://vercel.com/docs/deploy-hooks). The URL is the credential ("anyone with
 * the URL" can deploy: "treat it with the same security as you would any other token"),
 * so its id (the last segment) is a secret: no step title, attachment or error shows it. The docs show the answer's body but not its status, so 200 and 201 count.
 */
export function deployHookRequest(
  input: DeployHookInput,
): PreparedRequest<typeof deployHookResponseSchema, typeof vercelErrorSchema> {
  const { hookUrl } = deployHookInput.parse(input);
  const url = new URL(hookUrl);
  const hookId = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  return {
    step: 'trigger the Vercel deploy hook',
    method: 'POST',
    url,
    headers: { accept: 'application/json' },
    successStatus: 201,
    otherSuccessStatuses: [200],
    success: deployHookResponseSchema,
    failure: vercelErrorSchema,
    service: vercelDeployHookService,
    // The hook's id is enough to hide, and leaves the rest of the path readable; one too
    // short to redact safely (see redactText) hides the whole path instead.
    secrets: hookId.length >= 6 ? [hookId] : [url.toString(), url.pathname],
    failureFacts: vercelFailureFacts,
    advice: deployHookAdvice,
  };
}

function deployHookAdvice(facts: FailureFacts): string {
  if (facts.status === 404 || facts.status === 403 || facts.status === 401) {
    return 'Vercel does not know this deploy hook (it was revoked, or the URL is cut short): create one under Project → Settings → Git → Deploy Hooks, put its URL in VERCEL_DEPLOY_HOOK_URL, and run again (the variables are already saved).';
  }
  return vercelGenericAdvice(facts.status);
}
