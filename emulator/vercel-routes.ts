import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { VercelEnvTarget, VercelEnvVariable, VercelRoute } from './control-types';
import { cannedReply } from './fault-queue';
import { jsonReply, type Incoming, type Reply } from './http-io';
import { vercelId, type VercelProject, type VercelState } from './vercel-state';

/*
 * The parts of the Vercel REST API the sync uses, as Vercel documents them:
 * - POST /v10/projects/{idOrName}/env[?upsert=true]
 *   https://vercel.com/docs/rest-api/projects/create-one-or-more-environment-variables
 * - GET /v10/projects/{idOrName}/env
 *   https://vercel.com/docs/rest-api/projects/retrieve-the-environment-variables-of-a-project-by-id-or-name
 * - GET /v6/deployments   https://vercel.com/docs/rest-api/deployments/list-deployments
 * - POST /v13/deployments https://vercel.com/docs/rest-api/deployments/create-a-new-deployment
 * - POST|GET /v1/integrations/deploy/{projectId}/{hookId}   https://vercel.com/docs/deploy-hooks
 * Errors have Vercel's shape, `{"error": {"code", "message"}}` (https://vercel.com/docs/rest-api/errors).
 * Their paths start with /v{n}/, which no GoTo route does.
 */
const ENV_PATH = /^\/v10\/projects\/([^/]+)\/env\/?$/;
const LIST_DEPLOYMENTS_PATH = /^\/v6\/deployments\/?$/;
const CREATE_DEPLOYMENT_PATH = /^\/v13\/deployments\/?$/;
const DEPLOY_HOOK_PATH = /^\/v1\/integrations\/deploy\/([^/]+)\/([^/]+)\/?$/;

export function isVercelPath(path: string): boolean {
  return /^\/v\d+\//.test(path);
}

export function vercelRouteOf(path: string, method: string): VercelRoute {
  if (ENV_PATH.test(path)) return method === 'GET' ? 'list-env' : 'env';
  if (LIST_DEPLOYMENTS_PATH.test(path)) return 'list-deployments';
  if (CREATE_DEPLOYMENT_PATH.test(path)) return 'create-deployment';
  if (DEPLOY_HOOK_PATH.test(path)) return 'deploy-hook';
  return 'other';
}

/** What the server does with a Vercel request: answer, or drop the connection (a fault). */
export type VercelOutcome = { reply: Reply; delayMs?: number } | { drop: true; delayMs?: number };

/** Records the request in its project's log, applies a queued fault, else answers like Vercel. */
export function handleVercel(incoming: Incoming, state: VercelState): VercelOutcome {
  const path = incoming.url.pathname;
  const route = vercelRouteOf(path, incoming.method);
  const json = parseJson(incoming);
  const project = projectOf(route, incoming, json, state);
  project?.record({
    route,
    method: incoming.method,
    path,
    query: { ...incoming.query.values },
    headers: { ...incoming.headers },
    ...(json.ok ? { json: json.value } : {}),
  });
  const fault = project && route !== 'other' ? project.takeFault(route) : undefined;
  if (fault) {
    // The answer is worked out before the wait either way, so a hold is a delay here.
    const waitMs = (fault.delayMs ?? 0) + (fault.holdMs ?? 0);
    const delay = waitMs === 0 ? {} : { delayMs: waitMs };
    if (fault.drop) return { drop: true, ...delay };
    if (fault.status !== undefined)
      return { reply: cannedReply({ ...fault, status: fault.status }, incoming), ...delay };
    // A fault with only a delay: handled as usual afterwards.
    return { reply: answer(route, incoming, json, project, state), ...delay };
  }
  return { reply: answer(route, incoming, json, project, state) };
}

function answer(
  route: VercelRoute,
  incoming: Incoming,
  json: Json,
  project: VercelProject | undefined,
  state: VercelState,
): Reply {
  if (route === 'other') return vercelError(404, 'not_found', 'The requested API endpoint was not found.');
  if (route === 'deploy-hook') return deployHook(incoming, project);
  const refused = checkAccess(incoming, project, state);
  if (refused) return refused;
  // checkAccess answered 404 when there was no project.
  const found = project as VercelProject;
  if (route === 'env') return upsertEnv(incoming, json, found);
  if (route === 'list-env') return listEnv(found);
  if (route === 'list-deployments') return listDeployments(incoming, found);
  return createDeployment(incoming, json, found);
}

function projectOf(route: VercelRoute, incoming: Incoming, json: Json, state: VercelState): VercelProject | undefined {
  const path = incoming.url.pathname;
  const idOrName =
    route === 'env' || route === 'list-env'
      ? safeDecode(ENV_PATH.exec(path)?.[1] ?? '')
      : route === 'list-deployments'
        ? incoming.query.values.projectId
        : route === 'create-deployment'
          ? (stringField(json, 'project') ?? stringField(json, 'name'))
          : route === 'deploy-hook'
            ? safeDecode(DEPLOY_HOOK_PATH.exec(path)?.[1] ?? '')
            : undefined;
  return idOrName ? state.project(idOrName) : undefined;
}

/**
 * `Authorization: Bearer <token>` (https://vercel.com/docs/rest-api#authentication), then
 * the team: a team's project is found only with its `teamId`, and a token may act only
 * for the project's own team. A token no project knows: 403 forbidden, like Vercel's
 * "Not authorized" with `invalidToken`.
 */
function checkAccess(incoming: Incoming, project: VercelProject | undefined, state: VercelState): Reply | undefined {
  const token = /^Bearer +(\S+) *$/i.exec(incoming.headers.authorization ?? '')?.[1];
  if (token === undefined || !state.knowsToken(token))
    return vercelError(403, 'forbidden', 'Not authorized', { invalidToken: true });
  if (!project) return vercelError(404, 'not_found', 'Project not found');
  if (project.token !== token) return vercelError(403, 'forbidden', 'Not authorized');
  const teamId = incoming.query.values.teamId;
  if (teamId !== undefined && teamId !== project.teamId)
    return vercelError(403, 'forbidden', 'Not authorized: the token may not act for this team');
  if (teamId === undefined && project.teamId !== undefined) return vercelError(404, 'not_found', 'Project not found');
  return undefined;
}

const envTargets = ['production', 'preview', 'development'] as const;
const envItem = z.looseObject({
  key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be letters, digits and underscores' }),
  value: z.string(),
  type: z.enum(['system', 'secret', 'encrypted', 'plain', 'sensitive']),
  target: z.array(z.enum(envTargets)).min(1),
});
const envBody = z.union([envItem, z.array(envItem).min(1)]);
type EnvItem = z.infer<typeof envItem>;
type EnvFailure = { error: { code: string; message: string; key: string; target: VercelEnvTarget[] } };

/**
 * POST /v10/projects/{idOrName}/env. Without `upsert=true` an existing name in an
 * overlapping environment is ENV_CONFLICT. With it, a variable whose environments include
 * all the requested ones is updated in place; one that overlaps only partly is still
 * ENV_CONFLICT (as Vercel answers an upsert whose target list differs from the existing
 * one's). Sensitive values are refused in development. One object in: `created` is that
 * variable and a refusal is a 400; a list in: `created` and `failed` are lists, and the
 * status is 201 even when some (or all) were refused.
 */
function upsertEnv(incoming: Incoming, json: Json, project: VercelProject): Reply {
  if (incoming.method !== 'POST')
    return vercelError(405, 'method_unknown', 'This endpoint only responds to POST in the emulator');
  if (!json.ok) return vercelError(400, 'bad_request', 'The body must be JSON');
  const parsed = envBody.safeParse(json.value);
  if (!parsed.success) return vercelError(400, 'bad_request', `Invalid request: ${z.prettifyError(parsed.error)}`);
  const upsert = incoming.query.values.upsert === 'true';
  const items = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const created: Record<string, unknown>[] = [];
  const failed: EnvFailure[] = [];
  for (const item of items) {
    const result = saveVariable(project, item, upsert);
    if ('error' in result) failed.push(result);
    else created.push(shown(result));
  }
  if (!Array.isArray(parsed.data)) {
    const [failure] = failed;
    if (failure) return jsonReply(400, failure);
    return jsonReply(201, { created: created[0], failed: [] });
  }
  return jsonReply(201, { created, failed });
}

function saveVariable(project: VercelProject, item: EnvItem, upsert: boolean): VercelEnvVariable | EnvFailure {
  const target = [...new Set(item.target)];
  if (item.type === 'sensitive' && target.includes('development')) {
    return failure(
      'bad_request',
      'Sensitive environment variables cannot be created in the Development environment',
      item.key,
      target,
    );
  }
  const overlapping = project.env.filter(
    (variable) => variable.key === item.key && variable.target.some((t) => target.includes(t)),
  );
  const [existing] = overlapping;
  if (!existing) return addVariable(project, item, target);
  // An upsert changes one variable in place only when it covers every target asked for.
  if (upsert && overlapping.length === 1 && target.every((t) => existing.target.includes(t)))
    return updateVariable(existing, item);
  const clash = target.filter((t) => overlapping.some((variable) => variable.target.includes(t)));
  return failure(
    'ENV_CONFLICT',
    `A variable with the name \`${item.key}\` already exists for the target ${clash.join(', ')}`,
    item.key,
    target,
  );
}

function addVariable(project: VercelProject, item: EnvItem, target: VercelEnvTarget[]): VercelEnvVariable {
  const now = Date.now();
  const variable: VercelEnvVariable = {
    id: vercelId('', 16),
    key: item.key,
    value: item.value,
    type: item.type,
    target,
    createdAt: now,
    updatedAt: now,
  };
  project.env.push(variable);
  return variable;
}

/** `updatedAt` moves forward even when two saves fall in one millisecond. */
function updateVariable(existing: VercelEnvVariable, item: EnvItem): VercelEnvVariable {
  Object.assign(existing, {
    value: item.value,
    type: item.type,
    updatedAt: Math.max(Date.now(), existing.updatedAt + 1),
  });
  return existing;
}

function failure(code: string, message: string, key: string, target: VercelEnvTarget[]): EnvFailure {
  return { error: { code, message, key, target } };
}

/**
 * A variable as Vercel answers it, in a list (GET, `{"envs": [...]}`,
 * https://github.com/vercel/vercel/issues/9072) or after a save: a plain one with its value
 * as it is (the CLI's `vc env ls` shows it, https://github.com/vercel/vercel/pull/5345), an
 * encrypted one with a ciphertext in its place, a sensitive one with none.
 */
function shown(variable: VercelEnvVariable): Record<string, unknown> {
  const { value, ...rest } = variable;
  const readable =
    variable.type === 'plain'
      ? { value }
      : variable.type === 'sensitive'
        ? {}
        : { value: randomBytes(24).toString('base64') };
  return { ...rest, target: [...variable.target], configurationId: null, decrypted: false, ...readable };
}

/**
 * GET /v10/projects/{idOrName}/env: every variable of the project, in every environment,
 * as `{"envs": [...]}` (https://github.com/vercel/vercel/issues/9072 shows the answer). The
 * list has no pages: "the latest API version always returns all env variables"
 * (https://github.com/vercel/vercel/pull/5345). `decrypt` is ignored: it decrypts nothing in
 * practice (the same issue), and sensitive values never come back.
 */
function listEnv(project: VercelProject): Reply {
  return jsonReply(200, { envs: project.env.map(shown) });
}

/** GET /v6/deployments, filtered by `projectId`, `target` and `state`, newest first, `limit` of them. */
function listDeployments(incoming: Incoming, project: VercelProject): Reply {
  if (incoming.method !== 'GET')
    return vercelError(405, 'method_unknown', 'This endpoint only responds to GET in the emulator');
  const q = incoming.query.values;
  const limit = q.limit === undefined ? 20 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return vercelError(400, 'bad_request', 'Invalid request: `limit` should be an integer from 1 to 100');
  const states = q.state?.split(',').map((state) => state.trim().toUpperCase());
  const deployments = project.deployments
    .filter((deployment) => q.target === undefined || deployment.target === q.target)
    .filter((deployment) => states === undefined || states.includes(deployment.state))
    .sort((a, b) => b.created - a.created)
    .slice(0, limit)
    .map((deployment) => ({
      uid: deployment.uid,
      name: deployment.name,
      url: deployment.url,
      created: deployment.created,
      createdAt: deployment.created,
      state: deployment.state,
      readyState: deployment.state,
      target: deployment.target,
      projectId: project.projectId,
      source:
        deployment.source === 'registered' ? 'git' : deployment.source === 'deploy-hook' ? 'deploy-hook' : 'redeploy',
    }));
  return jsonReply(200, { deployments, pagination: { count: deployments.length, next: null, prev: null } });
}

const createDeploymentBody = z.looseObject({
  name: z.string().min(1),
  project: z.string().optional(),
  deploymentId: z.string().optional(),
  target: z.string().optional(),
});

/**
 * POST /v13/deployments. Only redeploys (`deploymentId`): the emulator has no files or Git
 * to build from. The new deployment is built at once, with the variables as they are now;
 * the answer says QUEUED, as Vercel's does right after the call.
 */
function createDeployment(incoming: Incoming, json: Json, project: VercelProject): Reply {
  if (incoming.method !== 'POST')
    return vercelError(405, 'method_unknown', 'This endpoint only responds to POST in the emulator');
  const parsed = createDeploymentBody.safeParse(json.ok ? json.value : undefined);
  if (!parsed.success) return vercelError(400, 'bad_request', `Invalid request: ${z.prettifyError(parsed.error)}`);
  const { deploymentId, target } = parsed.data;
  if (deploymentId === undefined)
    return vercelError(400, 'missing_files', 'Missing files (the emulator only redeploys: send `deploymentId`)');
  const original = project.deployments.find((deployment) => deployment.uid === deploymentId);
  if (!original) return vercelError(404, 'not_found', 'Deployment not found');
  if (target !== undefined && target !== 'production' && target !== 'preview')
    return vercelError(
      400,
      'bad_request',
      'Invalid request: `target` must be `production` or `preview` in the emulator',
    );
  const deployment = project.deploy('redeploy', {
    target: target === 'production' ? 'production' : null,
    redeployOf: original.uid,
  });
  return jsonReply(200, {
    id: deployment.uid,
    url: deployment.url,
    name: deployment.name,
    readyState: 'QUEUED',
    target: deployment.target,
    projectId: project.projectId,
    createdAt: deployment.created,
    alias: [],
  });
}

/** POST (or GET) /v1/integrations/deploy/{projectId}/{hookId}: no token; the URL is the credential. */
function deployHook(incoming: Incoming, project: VercelProject | undefined): Reply {
  if (incoming.method !== 'POST' && incoming.method !== 'GET')
    return vercelError(405, 'method_unknown', 'This endpoint only responds to POST or GET');
  const hookId = safeDecode(DEPLOY_HOOK_PATH.exec(incoming.url.pathname)?.[2] ?? '');
  if (!project || project.hookId === undefined || project.hookId !== hookId)
    return vercelError(404, 'not_found', 'Deploy hook not found');
  const deployment = project.deploy('deploy-hook');
  return jsonReply(201, { job: { id: vercelId('', 20), state: 'PENDING', createdAt: deployment.created } });
}

function vercelError(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return jsonReply(status, { error: { code, message, ...extra } });
}

type Json = { ok: true; value: unknown } | { ok: false };

function parseJson(incoming: Incoming): Json {
  if (incoming.rawBody.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(incoming.rawBody) };
  } catch {
    return { ok: false };
  }
}

function stringField(json: Json, name: string): string | undefined {
  if (!json.ok || !json.value || typeof json.value !== 'object') return undefined;
  const value = (json.value as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
