import {
  deployHookRequest,
  latestProductionDeploymentRequest,
  listEnvRequest,
  redeployRequest,
  upsertEnvRequest,
} from '../../../../requests';
import { json, jsonType, type BodyErrorRow, type StatusErrorRow, type TypedBodyRow, type ResponseRows } from './rows';
import { expectedRedaction } from '../fingerprints';

/*
 * The Vercel calls (requests/vercel-*.ts): their bodies, Vercel's one error shape
 * (https://vercel.com/docs/rest-api/errors) and what a proxy may answer instead; a deploy
 * hook's id is a credential, so its path is shown redacted.
 */

const vercel = { apiBaseUrl: 'https://api.vercel.com', token: 'vercel-token-Zx81kQ', teamId: 'team_7Hq2' };
const refreshToken = 'refresh-token-V5n1Qe';
const hookId = 'hook-secret-9QzW';

const upsertEnv = upsertEnvRequest({
  ...vercel,
  projectIdOrName: 'prj_Q1w2',
  target: 'production',
  type: 'sensitive',
  variables: { GOTO_REFRESH_TOKEN: refreshToken, GOTO_CLIENT_SECRET: 'client-secret-Hs72Lp' },
});
const listEnv = listEnvRequest({ ...vercel, projectIdOrName: 'prj_Q1w2', shownKey: 'GOTO_SYNC_RECORD' });
const listDeployments = latestProductionDeploymentRequest({ ...vercel, projectIdOrName: 'prj_Q1w2' });
const redeploy = redeployRequest({ ...vercel, projectIdOrName: 'prj_Q1w2', deploymentId: 'dpl_9a8b', name: 'app' });
const deployHook = deployHookRequest({ hookUrl: `https://api.vercel.com/v1/integrations/deploy/prj_Q1w2/${hookId}` });

const vercelBodyAdvice = 'check that VERCEL_API_BASE_URL points at Vercel, not at a proxy or a login page.';
const vercelTokenAdvice =
  /^Vercel did not accept VERCEL_TOKEN for this project: create a token at https:\/\/vercel\.com\/account\/tokens/;

/** The answers that are the step's success. */
const typedBodies: TypedBodyRow[] = [
  {
    definition: 'upsertEnvRequest',
    title: 'a 201 with created and an empty failed list gives both',
    request: upsertEnv,
    answer: json(201, { created: [{ id: 'env_1', key: 'GOTO_REFRESH_TOKEN', target: ['production'] }], failed: [] }),
    body: { created: [{ id: 'env_1', key: 'GOTO_REFRESH_TOKEN', target: ['production'] }], failed: [] },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 201 without failed gives failed as an empty list',
    request: upsertEnv,
    answer: json(201, { created: { id: 'env_1', key: 'GOTO_REFRESH_TOKEN', type: 'sensitive' } }),
    body: { created: { id: 'env_1', key: 'GOTO_REFRESH_TOKEN', type: 'sensitive' }, failed: [] },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 201 that names a refused variable in failed is a success here: the sync judges it',
    request: upsertEnv,
    answer: json(201, {
      created: [],
      failed: [{ error: { code: 'ENV_CONFLICT', message: 'exists', key: 'GOTO_CLIENT_SECRET' } }],
    }),
    body: { created: [], failed: [{ error: { code: 'ENV_CONFLICT', message: 'exists', key: 'GOTO_CLIENT_SECRET' } }] },
  },
  {
    definition: 'listEnvRequest',
    title: 'a 200 gives every variable with its value, which only what reports show leaves out',
    request: listEnv,
    answer: json(200, {
      envs: [
        { key: 'GOTO_SYNC_RECORD', type: 'plain', value: 'v1 sha256:1', target: ['production'] },
        { key: 'OTHER_PLAIN', type: 'plain', value: 'another app’s value', gitBranch: null },
      ],
    }),
    body: {
      envs: [
        { key: 'GOTO_SYNC_RECORD', type: 'plain', value: 'v1 sha256:1', target: ['production'] },
        { key: 'OTHER_PLAIN', type: 'plain', value: 'another app’s value', gitBranch: null },
      ],
    },
  },
  {
    definition: 'latestProductionDeploymentRequest',
    title: 'a 200 with no deployment gives an empty list',
    request: listDeployments,
    answer: json(200, { deployments: [], pagination: { count: 0 } }),
    body: { deployments: [], pagination: { count: 0 } },
  },
  {
    definition: 'latestProductionDeploymentRequest',
    title: 'a 200 gives the newest READY production deployment',
    request: listDeployments,
    answer: json(200, { deployments: [{ uid: 'dpl_9a8b', name: 'app', readyState: 'READY', target: 'production' }] }),
    body: { deployments: [{ uid: 'dpl_9a8b', name: 'app', readyState: 'READY', target: 'production' }] },
  },
  {
    definition: 'redeployRequest',
    title: 'a 200 gives the queued deployment',
    request: redeploy,
    answer: json(200, { id: 'dpl_new1', readyState: 'QUEUED', target: 'production' }),
    body: { id: 'dpl_new1', readyState: 'QUEUED', target: 'production' },
  },
  {
    definition: 'deployHookRequest',
    title: 'a 201 gives the job',
    request: deployHook,
    answer: json(201, { job: { id: 'job_1', state: 'PENDING', createdAt: 1662825789999 } }),
    body: { job: { id: 'job_1', state: 'PENDING', createdAt: 1662825789999 } },
  },
  {
    definition: 'deployHookRequest',
    title: 'a 200 gives the job too: Vercel documents the body, not the status',
    request: deployHook,
    answer: json(200, { job: { id: 'job_1' } }),
    body: { job: { id: 'job_1' } },
  },
];

/** Another status than the step's success. */
const statusErrors: StatusErrorRow[] = [
  {
    definition: 'upsertEnvRequest',
    title: 'a 403 forbidden names VERCEL_TOKEN; the path shows no teamId',
    request: upsertEnv,
    answer: json(403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } }),
    expected: {
      status: 403,
      error: 'forbidden',
      description: 'Not authorized',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 403 forbidden ("Not authorized").',
      advice: vercelTokenAdvice,
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 401 for an expired token names VERCEL_TOKEN',
    request: upsertEnv,
    answer: json(401, { error: { code: 'unauthorized', message: 'The token has expired' } }),
    expected: {
      status: 401,
      error: 'unauthorized',
      description: 'The token has expired',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 401 unauthorized ("The token has expired").',
      advice: vercelTokenAdvice,
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 404 not_found names VERCEL_PROJECT_ID and VERCEL_TEAM_ID',
    request: upsertEnv,
    answer: json(404, { error: { code: 'not_found', message: 'Project not found' } }),
    expected: {
      status: 404,
      error: 'not_found',
      description: 'Project not found',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 404 not_found ("Project not found").',
      advice: /^Vercel found no such project for this token: check VERCEL_PROJECT_ID .*VERCEL_TEAM_ID/,
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 400 ENV_CONFLICT says to delete the variable Vercel will not update in place',
    request: upsertEnv,
    answer: json(400, { error: { code: 'ENV_CONFLICT', message: 'exists for another target' } }),
    expected: {
      status: 400,
      error: 'ENV_CONFLICT',
      description: 'exists for another target',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 400 ENV_CONFLICT ("exists for another target").',
      advice: /^a variable with this name already exists in a way Vercel will not update in place/,
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 400 whose error is a string, not Vercel’s object, says the status alone and Vercel’s general 400 advice',
    request: upsertEnv,
    answer: json(400, { error: 'bad request' }),
    expected: {
      status: 400,
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 400.',
      advice:
        'Vercel rejected the request (its message says why): check VERCEL_TARGETS and VERCEL_PROJECT_ID, then run again.',
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 500 whose message echoes the values it was sent shows them redacted',
    request: upsertEnv,
    answer: json(500, {
      error: { code: 'internal_server_error', message: `could not save ${refreshToken} with ${vercel.token}` },
    }),
    expected: {
      status: 500,
      error: 'internal_server_error',
      description: `could not save ${expectedRedaction(refreshToken)} with ${expectedRedaction(vercel.token)}`,
      headline: `Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 500 internal_server_error ("could not save ${expectedRedaction(refreshToken)} with ${expectedRedaction(vercel.token)}").`,
      advice: 'Vercel had a server error: try again in a few minutes and check https://www.vercel-status.com.',
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 429 rate_limited after 3 attempts says Vercel is rate limiting this token',
    request: upsertEnv,
    answer: json(429, { error: { code: 'rate_limited', message: 'Rate limit exceeded' } }),
    context: { attempts: 3 },
    expected: {
      status: 429,
      error: 'rate_limited',
      description: 'Rate limit exceeded',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed after 3 attempts: POST /v10/projects/prj_Q1w2/env answered HTTP 429 rate_limited ("Rate limit exceeded").',
      advice: 'Vercel is rate limiting this token: wait a few minutes and run again.',
    },
  },
  {
    definition: 'upsertEnvRequest',
    title: 'a 429 whose Retry-After is longer than 30 s names Vercel as the service rate limiting, not GoTo',
    request: upsertEnv,
    answer: json(429, { error: { code: 'rate_limited', message: 'Rate limit exceeded' } }, { 'retry-after': '600' }),
    expected: {
      status: 429,
      error: 'rate_limited',
      description: 'Rate limit exceeded',
      headline:
        'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 429 rate_limited ("Rate limit exceeded").',
      advice:
        'Vercel is rate limiting and asked to wait 600 s before the next try (Retry-After), longer than goto-token-runner waits by itself (30 s): run again after 2026-03-02T09:10:00.000Z.',
      retryAfterSeconds: 600,
    },
  },
  {
    definition: 'listEnvRequest',
    title: 'a 403 names VERCEL_TOKEN',
    request: listEnv,
    answer: json(403, { error: { code: 'forbidden', message: 'Not authorized' } }),
    expected: {
      status: 403,
      error: 'forbidden',
      description: 'Not authorized',
      headline:
        'Step "read the record of the last sync from the Vercel environment variables" failed: GET /v10/projects/prj_Q1w2/env answered HTTP 403 forbidden ("Not authorized").',
      advice: vercelTokenAdvice,
    },
  },
  {
    definition: 'latestProductionDeploymentRequest',
    title: 'a 404 names VERCEL_PROJECT_ID',
    request: listDeployments,
    answer: json(404, { error: { code: 'not_found', message: 'Project not found' } }),
    expected: {
      status: 404,
      error: 'not_found',
      description: 'Project not found',
      headline:
        'Step "find the latest production deployment on Vercel" failed: GET /v6/deployments answered HTTP 404 not_found ("Project not found").',
      advice: /^Vercel found no such project for this token: check VERCEL_PROJECT_ID/,
    },
  },
  {
    definition: 'redeployRequest',
    title: 'a 400 says Vercel rejected the request and its message says why',
    request: redeploy,
    answer: json(400, { error: { code: 'bad_request', message: 'Invalid deploymentId' } }),
    expected: {
      status: 400,
      error: 'bad_request',
      description: 'Invalid deploymentId',
      headline:
        'Step "redeploy the latest production deployment on Vercel" failed: POST /v13/deployments answered HTTP 400 bad_request ("Invalid deploymentId").',
      advice:
        'Vercel rejected the request (its message says why): check VERCEL_TARGETS and VERCEL_PROJECT_ID, then run again.',
    },
  },
  {
    definition: 'deployHookRequest',
    title: 'a 404 says the hook is unknown, with the hook’s id redacted in the path',
    request: deployHook,
    answer: json(404, { error: { code: 'not_found', message: 'Deploy hook not found' } }),
    expected: {
      status: 404,
      error: 'not_found',
      description: 'Deploy hook not found',
      headline: `Step "trigger the Vercel deploy hook" failed: POST /v1/integrations/deploy/prj_Q1w2/${expectedRedaction(hookId)} answered HTTP 404 not_found ("Deploy hook not found").`,
      advice:
        /^Vercel does not know this deploy hook \(it was revoked, or the URL is cut short\): .*VERCEL_DEPLOY_HOOK_URL/,
    },
  },
  {
    definition: 'deployHookRequest',
    title: 'a 500 whose message quotes the hook URL shows its id redacted',
    request: deployHook,
    answer: json(500, {
      error: { code: 'internal_server_error', message: `hook /deploy/prj_Q1w2/${hookId} failed` },
    }),
    expected: {
      status: 500,
      error: 'internal_server_error',
      description: `hook /deploy/prj_Q1w2/${expectedRedaction(hookId)} failed`,
      headline: `Step "trigger the Vercel deploy hook" failed: POST /v1/integrations/deploy/prj_Q1w2/${expectedRedaction(hookId)} answered HTTP 500 internal_server_error ("hook /deploy/prj_Q1w2/${expectedRedaction(hookId)} failed").`,
      advice: 'Vercel had a server error: try again in a few minutes and check https://www.vercel-status.com.',
    },
  },
];

/** A success whose body is not what the service documents. */
const bodyErrors: BodyErrorRow[] = [
  {
    definition: 'upsertEnvRequest',
    title: 'a 201 HTML page says the body is not JSON, with Vercel’s advice and nothing of GoTo',
    request: upsertEnv,
    answer: { status: 201, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to your proxy</html>' },
    expected: {
      status: 201,
      says: 'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/prj_Q1w2/env answered HTTP 201, but the body is not what Vercel documents:',
      problem: 'the body is not JSON (content-type text/html)',
      advice: vercelBodyAdvice,
    },
  },
  {
    definition: 'listEnvRequest',
    title: 'a 200 without envs names "envs" and no value of the answer',
    request: listEnv,
    answer: json(200, { variables: [{ key: 'OTHER_PLAIN', value: 'another app’s value' }] }),
    expected: {
      status: 200,
      says: 'Step "read the record of the last sync from the Vercel environment variables" failed: GET /v10/projects/prj_Q1w2/env answered HTTP 200, but the body is not what Vercel documents:',
      problem: /expected array, received undefined\s+→ at envs/,
      advice: vercelBodyAdvice,
    },
    notShown: ['another app’s value'],
  },
  {
    definition: 'latestProductionDeploymentRequest',
    title: 'a 200 deployment without uid names the field',
    request: listDeployments,
    answer: json(200, { deployments: [{ name: 'app' }] }),
    expected: {
      status: 200,
      says: 'Step "find the latest production deployment on Vercel" failed: GET /v6/deployments answered HTTP 200, but the body is not what Vercel documents:',
      problem: /→ at deployments\[0\]\.uid/,
      advice: vercelBodyAdvice,
    },
  },
  {
    definition: 'redeployRequest',
    title: 'an empty 200 says the body is empty',
    request: redeploy,
    answer: { status: 200, headers: jsonType, body: '' },
    expected: {
      status: 200,
      says: 'Step "redeploy the latest production deployment on Vercel" failed: POST /v13/deployments answered HTTP 200, but the body is not what Vercel documents:',
      problem: 'the body is empty',
      advice: vercelBodyAdvice,
    },
  },
  {
    definition: 'deployHookRequest',
    title: 'a 201 without job names "job" and VERCEL_DEPLOY_HOOK_URL, the hook’s id redacted',
    request: deployHook,
    answer: json(201, { ok: true }),
    expected: {
      status: 201,
      says: `Step "trigger the Vercel deploy hook" failed: POST /v1/integrations/deploy/prj_Q1w2/${expectedRedaction(hookId)} answered HTTP 201, but the body is not what Vercel documents:`,
      problem: /expected object, received undefined\s+→ at job/,
      advice: 'check that VERCEL_DEPLOY_HOOK_URL points at Vercel, not at a proxy or a login page.',
    },
  },
];

export const vercelRows: ResponseRows = { typedBodies, statusErrors, bodyErrors };
