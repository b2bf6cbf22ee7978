import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import type { Env } from '../../lib/config/env-target';
import {
  ConfigError,
  expect,
  syncToVercel,
  test,
  stepSender,
  shownPath,
  VercelSyncError,
  type EmulatorControl,
} from '../../fixtures';
import { findSecrets } from './helpers/artifacts';
import { expectedFingerprint as fingerprint } from './helpers/fingerprints';
import type { VercelReceivedRequest } from '../../emulator/control-client';

/*
 * The Vercel sync (README, "Vercel") against the emulated Vercel in the
 * emulator: what Vercel RECEIVED (method, path, teamId, Bearer token, each variable's key,
 * type, target and value), what the project then holds, the redeploy, and every failure
 * named with its step, status, Vercel's error and what to do, with no value shown anywhere
 * and the env file left byte for byte as it was; and when it redeploys: only when the client
 * or the refresh token changed since the last redeploy (lib/vercel/sync-record.ts). Each test
 * registers its own project.
 */

type CreateVercelProjectOptions = Parameters<EmulatorControl['createVercelProject']>[0];
type EmulatorVercelProject = Awaited<ReturnType<EmulatorControl['createVercelProject']>>;
/** The four values the sync saves, in the order it sends them (README, "Vercel"): written out, not taken from lib/vercel. */
const syncedKeys = ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN'] as const;
/** The values a running app cannot renew by itself: a change in one redeploys (README, "Vercel"). */
const redeployKeys = ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_REFRESH_TOKEN'] as const;
/** The plain variable that records what the last redeploy was given (README, "Vercel"). */
const syncRecordKey = 'GOTO_TOKEN_RUNNER_SYNCED';
type SyncedValues = Record<(typeof syncedKeys)[number], string>;
type SentVariable = { key: string; value: string; type: string; target: string[] };

type VercelSetup = { project: EmulatorVercelProject; envFile: string; env: Env; values: SyncedValues };

/** A Vercel project in the emulator and an env file holding GoTo values shaped like real ones. */
async function vercelSandbox(
  emulator: EmulatorControl,
  options: CreateVercelProjectOptions = {},
  overrides: Env = {},
): Promise<VercelSetup> {
  const project = await emulator.createVercelProject(options);
  const jwtLike = () =>
    'eyJraWQiOiJvYXV0aHYyLmxtaS5jb20uMDIxOSIsImFsZyI6IlJTNTEyIn0.' +
    `${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
  const values: SyncedValues = {
    GOTO_CLIENT_ID: randomUUID(),
    // GoTo's secrets are base64, with "+", "/" and "=": they must reach Vercel unchanged.
    GOTO_CLIENT_SECRET: `${randomBytes(15).toString('base64')}+/=`,
    GOTO_ACCESS_TOKEN: jwtLike(),
    GOTO_REFRESH_TOKEN: jwtLike(),
  };
  const envFile = test.info().outputPath('vercel.env');
  await writeFile(
    envFile,
    [
      '# GoTo values the chain wrote',
      ...Object.entries(values).map(([key, value]) => `${key}=${value}`),
      'GOTO_ACCESS_TOKEN_EXPIRES_AT=2030-01-01T10:00:00.000Z',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env: Env = {
    GOTO_TARGET: 'goto',
    GOTO_ENV_FILE: envFile,
    VERCEL_TOKEN: project.token,
    VERCEL_PROJECT_ID: project.projectId,
    VERCEL_API_BASE_URL: emulator.baseUrl,
    ...(project.teamId ? { VERCEL_TEAM_ID: project.teamId } : {}),
    ...(project.deployHookUrl ? { VERCEL_DEPLOY_HOOK_URL: project.deployHookUrl } : {}),
    ...overrides,
  };
  return { project, envFile, env, values };
}

/** The secrets of a setup, by label, for `findSecrets` and message checks. */
function secretsOf(setup: VercelSetup): Record<string, string> {
  const hookId = setup.project.deployHookUrl?.split('/').at(-1);
  return { ...setup.values, VERCEL_TOKEN: setup.project.token, ...(hookId ? { 'deploy hook id': hookId } : {}) };
}

const fast = { backoffBaseMs: 1 };

/** The upserts of the GoTo values, without those of the sync's record. */
function valueUpserts(received: VercelReceivedRequest[]): VercelReceivedRequest[] {
  return received.filter(
    (request) => request.route === 'env' && !(request.json as SentVariable[]).some(({ key }) => key === syncRecordKey),
  );
}

/** The upserts of the record of a redeploy. */
function recordUpserts(received: VercelReceivedRequest[]): VercelReceivedRequest[] {
  return received.filter(
    (request) => request.route === 'env' && (request.json as SentVariable[]).some(({ key }) => key === syncRecordKey),
  );
}

/** The record the sync should leave for these values, written out from the fingerprints reports show. */
function recordOf(values: SyncedValues): string {
  return redeployKeys.map((key) => `${key}=${fingerprint(values[key])}`).join(',');
}

/** Replaces one value in the setup's env file, as a run of the chain would, and returns the new one. */
async function replaceValue(setup: VercelSetup, key: keyof SyncedValues): Promise<string> {
  const old = setup.values[key];
  const replacement = `${old.slice(0, -8)}${randomBytes(6).toString('base64url')}`;
  await writeFile(setup.envFile, (await readFile(setup.envFile, 'utf8')).replace(old, replacement));
  setup.values[key] = replacement;
  return replacement;
}

/** Requests the sync may make to redeploy: the deploy hook, or the deployments API. */
const redeployRoutes = ['deploy-hook', 'list-deployments', 'create-deployment'];

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('saves the four GoTo values as sensitive variables for production and preview: one upsert per environment, with the Bearer token', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);

  const result = await vercelSync(setup.env, fast);

  const upserts = valueUpserts(await emulator.vercelRequests(setup.project.projectId));
  expect(upserts.map((request) => `${request.method} ${request.path}`)).toEqual([
    `POST /v10/projects/${setup.project.projectId}/env`,
    `POST /v10/projects/${setup.project.projectId}/env`,
  ]);
  for (const request of upserts) {
    expect(request.query, 'upsert=true and no teamId for a personal project').toEqual({ upsert: 'true' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(
      request.headers.authorization === `Bearer ${setup.project.token}`,
      'Authorization: Bearer VERCEL_TOKEN',
    ).toBe(true);
  }
  const bodies = upserts.map((request) => request.json as SentVariable[]);
  expect(bodies.map((body) => body.map(({ key, type, target }) => ({ key, type, target })))).toEqual(
    ['production', 'preview'].map((target) => syncedKeys.map((key) => ({ key, type: 'sensitive', target: [target] }))),
  );
  for (const sent of bodies.flat()) {
    expect(fingerprint(sent.value), `${sent.key} arrived exactly as the env file holds it`).toBe(
      fingerprint(setup.values[sent.key as keyof SyncedValues]),
    );
  }
  expect(result).toEqual({
    status: 'synced',
    projectId: setup.project.projectId,
    teamId: undefined,
    targets: [
      { target: 'production', type: 'sensitive', keys: [...syncedKeys] },
      { target: 'preview', type: 'sensitive', keys: [...syncedKeys] },
    ],
    decision: expect.objectContaining({ redeploy: true }),
    redeploy: { via: 'deploy-hook', jobId: expect.any(String), state: 'PENDING' },
    accessTokenExpiresAt: '2030-01-01T10:00:00.000Z',
  });
});

test('leaves the Vercel project holding exactly the env file’s values in each environment', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);

  await vercelSync(setup.env, fast);

  const env = (await emulator.vercelProject(setup.project.projectId)).env.filter(
    (variable) => variable.key !== syncRecordKey,
  );
  for (const target of ['production', 'preview'] as const) {
    const held = env.filter((variable) => variable.target.includes(target));
    expect(
      Object.fromEntries(held.map((variable) => [variable.key, fingerprint(variable.value)])),
      `${target} holds the four values`,
    ).toEqual(Object.fromEntries(Object.entries(setup.values).map(([key, value]) => [key, fingerprint(value)])));
  }
  expect(env.every((variable) => variable.type === 'sensitive')).toBe(true);
});

test('a sync leaves the env file byte for byte as it was', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator);
  const bytesBefore = await readFile(setup.envFile);

  await vercelSync(setup.env, fast);

  expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});

test('sends teamId with every Vercel API call when VERCEL_TEAM_ID is set', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator, { teamId: `team_${randomBytes(8).toString('hex')}`, deployHook: false });

  await vercelSync(setup.env, fast);

  const received = await emulator.vercelRequests(setup.project.projectId);
  expect(received.map((request) => request.route)).toEqual([
    'env',
    'env',
    'list-env',
    'list-deployments',
    'create-deployment',
    'env',
    'env',
  ]);
  expect(
    received.map((request) => request.query.teamId),
    'teamId on each call (https://vercel.com/docs/rest-api)',
  ).toEqual(received.map(() => setup.project.teamId));
});

test('a second sync updates the same variables instead of adding duplicates', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator);
  await vercelSync(setup.env, fast);
  const first = (await emulator.vercelProject(setup.project.projectId)).env;
  const newAccessToken = await replaceValue(setup, 'GOTO_ACCESS_TOKEN');

  await vercelSync(setup.env, fast);

  const second = (await emulator.vercelProject(setup.project.projectId)).env;
  expect(
    second.map((variable) => variable.id),
    'the same 10 variables (4 keys and the record × 2 environments), none added',
  ).toEqual(first.map((variable) => variable.id));
  const accessTokens = second.filter((variable) => variable.key === 'GOTO_ACCESS_TOKEN');
  expect(
    accessTokens.map((variable) => fingerprint(variable.value)),
    'both environments hold the new access token',
  ).toEqual([fingerprint(newAccessToken), fingerprint(newAccessToken)]);
});

test('updates a variable someone added by hand for production and preview together, without a conflict or a duplicate', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, {
    env: [{ key: 'GOTO_CLIENT_ID', value: 'the-old-client-id', type: 'encrypted', target: ['production', 'preview'] }],
  });

  await vercelSync(setup.env, fast);

  const clientIds = (await emulator.vercelProject(setup.project.projectId)).env.filter(
    (variable) => variable.key === 'GOTO_CLIENT_ID',
  );
  expect(clientIds.map((variable) => ({ target: variable.target, value: fingerprint(variable.value) }))).toEqual([
    { target: ['production', 'preview'], value: fingerprint(setup.values.GOTO_CLIENT_ID) },
  ]);
});

test('stores development values as encrypted, because Vercel allows sensitive values only in production and preview', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, {}, { VERCEL_TARGETS: 'production, development' });

  const result = await vercelSync(setup.env, fast);

  const upserts = valueUpserts(await emulator.vercelRequests(setup.project.projectId));
  expect(
    upserts.map((request) =>
      (request.json as SentVariable[]).map((variable) => `${variable.type} ${variable.target.join(',')}`),
    ),
  ).toEqual([syncedKeys.map(() => 'sensitive production'), syncedKeys.map(() => 'encrypted development')]);
  expect(result.status === 'synced' && result.targets.map(({ target, type }) => `${target}:${type}`)).toEqual([
    'production:sensitive',
    'development:encrypted',
  ]);
});

test('redeploys with one POST to the deploy hook, without a token or a body', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator);

  await vercelSync(setup.env, fast);

  const received = await emulator.vercelRequests(setup.project.projectId);
  expect(
    received.map((request) => request.route),
    'no deployments API call',
  ).toEqual(['env', 'env', 'list-env', 'deploy-hook', 'env', 'env']);
  const hook = received.find((request) => request.route === 'deploy-hook');
  expect(hook?.method).toBe('POST');
  expect(`${emulator.baseUrl}${hook?.path}` === setup.project.deployHookUrl, 'the configured hook URL').toBe(true);
  expect(
    hook?.headers.authorization,
    'a deploy hook needs no token (https://vercel.com/docs/deploy-hooks)',
  ).toBeUndefined();
  expect(hook?.json, 'and no payload').toBeUndefined();
});

test('the deployment the deploy hook starts is built with the values just saved', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator);

  await vercelSync(setup.env, fast);

  const newest = (await emulator.vercelProject(setup.project.projectId)).deployments.at(-1);
  expect(newest?.source).toBe('deploy-hook');
  expect(fingerprint(newest?.env.GOTO_ACCESS_TOKEN ?? ''), 'built with the new access token').toBe(
    fingerprint(setup.values.GOTO_ACCESS_TOKEN),
  );
});

test('without a deploy hook, redeploys the latest READY production deployment through the deployments API', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, { deployHook: false });
  const [original] = (await emulator.vercelProject(setup.project.projectId)).deployments;

  const result = await vercelSync(setup.env, fast);

  const received = await emulator.vercelRequests(setup.project.projectId);
  const [list, create] = received.filter((request) => redeployRoutes.includes(request.route));
  expect(`${list?.method} ${list?.path}`).toBe('GET /v6/deployments');
  expect(list?.query).toEqual({ projectId: setup.project.projectId, target: 'production', state: 'READY', limit: '1' });
  expect(`${create?.method} ${create?.path}`).toBe('POST /v13/deployments');
  expect(create?.json).toEqual({
    name: setup.project.name,
    project: setup.project.projectId,
    deploymentId: original?.uid,
    target: 'production',
  });
  expect(create?.headers.authorization === `Bearer ${setup.project.token}`, 'Authorization: Bearer VERCEL_TOKEN').toBe(
    true,
  );
  const newest = (await emulator.vercelProject(setup.project.projectId)).deployments.at(-1);
  expect(result.status === 'synced' && result.redeploy).toEqual({
    via: 'deployments-api',
    deploymentId: newest?.uid,
    url: newest?.url,
    redeployOf: original?.uid,
  });
  expect(fingerprint(newest?.env.GOTO_REFRESH_TOKEN ?? ''), 'the redeploy sees the new refresh token').toBe(
    fingerprint(setup.values.GOTO_REFRESH_TOKEN),
  );
});

test('says to deploy once, after saving the variables, when the project has no READY production deployment to redeploy', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, { deployHook: false, productionDeployment: false });

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(VercelSyncError);
  expect((error as VercelSyncError).code).toBe('VERCEL_NO_DEPLOYMENT');
  expect((error as VercelSyncError).message).toContain('Step "find the latest production deployment on Vercel" failed');
  expect((error as VercelSyncError).message).toMatch(/deploy the project once .* or set VERCEL_DEPLOY_HOOK_URL/);
  expect((error as VercelSyncError).message).toContain('Saved on Vercel before the failure: production, preview.');
  expect((error as VercelSyncError).done.map((result) => result.target)).toEqual(['production', 'preview']);
});

test('the first sync redeploys, saying no earlier sync is recorded', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(emulator);

  const result = await vercelSync(setup.env, fast);

  expect(
    (await emulator.vercelRequests(setup.project.projectId)).filter((request) => request.route === 'deploy-hook'),
    'one call of the deploy hook',
  ).toHaveLength(1);
  expect(result.status === 'synced' && result.decision).toEqual({
    redeploy: true,
    changed: [],
    unrecorded: ['production', 'preview'],
    reason: `redeployed: no earlier sync is recorded for production and preview (${syncRecordKey})`,
  });
});

test('after its redeploy, a sync records it: a plain variable of fingerprints in each environment', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);

  await vercelSync(setup.env, fast);

  const received = await emulator.vercelRequests(setup.project.projectId);
  expect(
    received.map((request) => request.route),
    'values, the list of variables, the redeploy, then the record',
  ).toEqual(['env', 'env', 'list-env', 'deploy-hook', 'env', 'env']);
  const listing = received.find((request) => request.route === 'list-env');
  expect(`${listing?.method} ${listing?.path}`).toBe(`GET /v10/projects/${setup.project.projectId}/env`);
  expect(listing?.headers.authorization === `Bearer ${setup.project.token}`, 'Authorization: Bearer VERCEL_TOKEN').toBe(
    true,
  );
  expect(
    recordUpserts(received).map((request) => ({ query: request.query, json: request.json })),
    'one upsert per environment, plain, holding the fingerprints of the client id, the client secret and the refresh token',
  ).toEqual(
    ['production', 'preview'].map((target) => ({
      query: { upsert: 'true' },
      json: [{ key: syncRecordKey, value: recordOf(setup.values), type: 'plain', target: [target] }],
    })),
  );
});

for (const way of [
  { name: 'a deploy hook', options: {} },
  { name: 'the deployments API', options: { deployHook: false } },
]) {
  test(`a second sync with only a new access token does not redeploy, saying why (${way.name})`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator, way.options);
    await vercelSync(setup.env, fast);
    const before = await emulator.vercelProject(setup.project.projectId);
    const receivedBefore = (await emulator.vercelRequests(setup.project.projectId)).length;
    await replaceValue(setup, 'GOTO_ACCESS_TOKEN');

    const result = await vercelSync(setup.env, fast);

    const second = (await emulator.vercelRequests(setup.project.projectId)).slice(receivedBefore);
    expect(
      second.map((request) => request.route),
      'the values saved and the record read, no redeploy of either kind',
    ).toEqual(['env', 'env', 'list-env']);
    const after = await emulator.vercelProject(setup.project.projectId);
    expect(after.deployments.length, 'no new deployment').toBe(before.deployments.length);
    expect(result.status === 'synced' && { decision: result.decision, redeploy: result.redeploy }).toEqual({
      decision: {
        redeploy: false,
        changed: [],
        unrecorded: [],
        reason:
          'redeploy not needed: GOTO_CLIENT_ID, GOTO_CLIENT_SECRET and GOTO_REFRESH_TOKEN are as at the last redeploy; ' +
          'the running app renews its access token by itself, and the next deployment gets the new GOTO_ACCESS_TOKEN',
      },
      redeploy: undefined,
    });
  });
}

test('a second sync with only a new access token saves it in both environments, for the next deployment', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await vercelSync(setup.env, fast);
  const newAccessToken = await replaceValue(setup, 'GOTO_ACCESS_TOKEN');

  await vercelSync(setup.env, fast);

  const { env } = await emulator.vercelProject(setup.project.projectId);
  expect(
    env.filter((variable) => variable.key === 'GOTO_ACCESS_TOKEN').map((variable) => fingerprint(variable.value)),
    'both environments hold the new access token',
  ).toEqual([fingerprint(newAccessToken), fingerprint(newAccessToken)]);
});

for (const key of redeployKeys) {
  test(`a changed ${key} redeploys, saying so, with the new value`, async ({ emulator, vercelSync }) => {
    const setup = await vercelSandbox(emulator);
    await vercelSync(setup.env, fast);
    const receivedBefore = (await emulator.vercelRequests(setup.project.projectId)).length;
    const replacement = await replaceValue(setup, key);

    const result = await vercelSync(setup.env, fast);

    const second = (await emulator.vercelRequests(setup.project.projectId)).slice(receivedBefore);
    expect(second.map((request) => request.route)).toEqual(['env', 'env', 'list-env', 'deploy-hook', 'env', 'env']);
    expect(result.status === 'synced' && result.decision).toEqual({
      redeploy: true,
      changed: [key],
      unrecorded: [],
      reason: `redeployed: ${key} changed since the last redeploy`,
    });
    const { deployments } = await emulator.vercelProject(setup.project.projectId);
    expect(fingerprint(deployments.at(-1)?.env[key] ?? ''), 'the new deployment is built with the new value').toBe(
      fingerprint(replacement),
    );
  });

  test(`after redeploying for a changed ${key}, the record holds its new fingerprint`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator);
    await vercelSync(setup.env, fast);
    await replaceValue(setup, key);

    await vercelSync(setup.env, fast);

    const { env } = await emulator.vercelProject(setup.project.projectId);
    expect(
      env.filter((variable) => variable.key === syncRecordKey).map((variable) => variable.value),
      'the record holds the new fingerprint in both environments',
    ).toEqual([recordOf(setup.values), recordOf(setup.values)]);
  });
}

test('a redeploy that fails leaves the record as it was, so the next sync redeploys again', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await vercelSync(setup.env, fast);
  const recordBefore = recordOf(setup.values);
  await replaceValue(setup, 'GOTO_REFRESH_TOKEN');
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'deploy-hook',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code: 'internal_server_error', message: 'An unexpected error occurred' } }),
  });

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).message).toContain(
    'Saved on Vercel before the failure: production, preview. No redeploy happened.',
  );
  const held = (await emulator.vercelProject(setup.project.projectId)).env;
  expect(
    held.filter((variable) => variable.key === syncRecordKey).map((variable) => variable.value),
    'the record still names the old refresh token',
  ).toEqual([recordBefore, recordBefore]);
  const again = await vercelSync(setup.env, fast);
  expect(again.status === 'synced' && again.decision.reason).toBe(
    'redeployed: GOTO_REFRESH_TOKEN changed since the last redeploy',
  );
});

test('a record Vercel does not save after the redeploy fails saying the redeploy happened and the next sync redeploys again', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  // The two upserts of the values go through; the first upsert of the record gets a 500.
  await emulator.addVercelFault(setup.project.projectId, { route: 'env', delayMs: 0, times: 2 });
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code: 'internal_server_error', message: 'An unexpected error occurred' } }),
  });

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_HTTP_STATUS');
  expect((error as VercelSyncError).message).toContain(
    'Step "save the record of this redeploy as a Vercel environment variable (production)" failed',
  );
  expect((error as VercelSyncError).message).toMatch(
    new RegExp(
      `The redeploy happened \\(deploy hook job \\w+\\), but its record \\(${syncRecordKey}\\) was not saved everywhere: the next sync redeploys again\\.`,
    ),
  );
  const again = await vercelSync(setup.env, fast);
  expect(again.status === 'synced' && again.decision.unrecorded).toEqual(['production', 'preview']);
});

/** The reports of the list of variables of two syncs, the second after a new access token. */
async function listingReports(emulator: EmulatorControl, otherVariable: { key: string; value: string }) {
  const setup = await vercelSandbox(emulator, {
    env: [{ ...otherVariable, type: 'plain', target: ['production', 'preview'] }],
  });
  const send = stepSender(fast);
  await syncToVercel(send, setup.env);
  await replaceValue(setup, 'GOTO_ACCESS_TOKEN');
  await syncToVercel(send, setup.env);
  const listings = test
    .info()
    .attachments.filter((attachment) => attachment.name.includes('GET /v10/projects/'))
    .map((attachment) => attachment.body?.toString('utf8') ?? '');
  expect(listings, 'one listing per sync').toHaveLength(2);
  return { setup, listings };
}

test('the report of the list of variables shows the record’s value', async ({ emulator }) => {
  const { setup, listings } = await listingReports(emulator, { key: 'DATABASE_URL', value: 'postgres://db/app' });

  expect(listings[1], 'the record, as the first sync saved it').toContain(recordOf(setup.values));
});

test('the report of the list of variables shows no other variable’s value', async ({ emulator }) => {
  const appSecret = `postgres://app:${randomBytes(12).toString('hex')}@db.example.com/app`;

  const { listings } = await listingReports(emulator, { key: 'DATABASE_URL', value: appSecret });

  expect(listings[1]).toMatch(/"key": "DATABASE_URL",[^}]*"value": "‹not shown›"/);
  expect(
    findSecrets(
      listings.map((text, index) => ({ name: `listing ${index + 1}`, text })),
      { DATABASE_URL: appSecret },
    ),
  ).toEqual([]);
});

test('the emulated Vercel lists every variable as Vercel does: plain values as they are, a ciphertext for encrypted ones, none for sensitive ones', async ({
  emulator,
}) => {
  const project = await emulator.createVercelProject({
    env: [
      { key: 'PLAIN_ONE', value: 'shown as it is', type: 'plain', target: ['production'] },
      { key: 'ENCRYPTED_ONE', value: 'not shown', type: 'encrypted', target: ['production', 'preview'] },
      { key: 'SENSITIVE_ONE', value: 'never shown', type: 'sensitive', target: ['preview'] },
    ],
  });

  const response = await fetch(`${emulator.baseUrl}/v10/projects/${project.projectId}/env`, {
    headers: { authorization: `Bearer ${project.token}` },
  });

  expect(response.status).toBe(200);
  const { envs } = (await response.json()) as { envs: Array<Record<string, unknown>> };
  expect(envs.map(({ key, type, target }) => ({ key, type, target }))).toEqual([
    { key: 'PLAIN_ONE', type: 'plain', target: ['production'] },
    { key: 'ENCRYPTED_ONE', type: 'encrypted', target: ['production', 'preview'] },
    { key: 'SENSITIVE_ONE', type: 'sensitive', target: ['preview'] },
  ]);
  expect(envs[0]?.value).toBe('shown as it is');
  expect(envs[1]?.value, 'a ciphertext in its place').toEqual(expect.any(String));
  expect(envs[1]?.value).not.toBe('not shown');
  expect(envs[2], 'no value at all').not.toHaveProperty('value');
  expect((await emulator.vercelRequests(project.projectId)).map((request) => request.route)).toEqual(['list-env']);
});

const refusals: Array<{
  title: string;
  arrange: (setup: VercelSetup, emulator: EmulatorControl) => Env | Promise<Env>;
  expected: { status: number; says: string };
}> = [
  {
    title: 'a token Vercel does not know (403 forbidden)',
    arrange: (setup) => ({ ...setup.env, VERCEL_TOKEN: `not-a-vercel-token-${randomUUID()}` }),
    expected: { status: 403, says: 'HTTP 403 forbidden ("Not authorized")' },
  },
  {
    title: 'a token Vercel says has expired (401)',
    arrange: async (setup, emulator) => {
      await emulator.addVercelFault(setup.project.projectId, {
        route: 'env',
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'unauthorized', message: 'The token has expired' } }),
      });
      return setup.env;
    },
    expected: { status: 401, says: 'HTTP 401 unauthorized ("The token has expired")' },
  },
  {
    title: 'a token used for a team it does not belong to (403)',
    arrange: (setup) => ({ ...setup.env, VERCEL_TEAM_ID: 'team_someoneelse' }),
    expected: { status: 403, says: 'HTTP 403 forbidden' },
  },
];

for (const refusal of refusals) {
  test(`names the step, the status, Vercel's error and what to do for ${refusal.title}`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator);
    const env = await refusal.arrange(setup, emulator);

    const error = await vercelSync(env, fast).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(VercelSyncError);
    const { message, code, status } = error as VercelSyncError;
    expect(code).toBe('VERCEL_HTTP_STATUS');
    expect(status).toBe(refusal.expected.status);
    expect(message).toContain(
      'Step "save the GoTo values as Vercel environment variables (production)" failed: ' +
        `POST /v10/projects/${setup.project.projectId}/env answered ${refusal.expected.says}`,
    );
    expect(message).toMatch(/What to do: .*VERCEL_TOKEN/);
    expect(message).toContain(
      'Nothing was saved on Vercel. Not saved: production, preview (stopped at production). ' +
        'No redeploy happened. The env file was not changed.',
    );
    for (const [label, secret] of Object.entries({ ...secretsOf(setup), 'token sent': env.VERCEL_TOKEN ?? '' })) {
      expect(message.includes(secret), `no ${label} in the message`).toBe(false);
    }
  });

  test(`after ${refusal.title}, nothing more is sent and the env file stays as it was`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator);
    const env = await refusal.arrange(setup, emulator);
    const bytesBefore = await readFile(setup.envFile);

    await vercelSync(env, fast).catch(() => undefined);

    expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(
      (await emulator.vercelRequests(setup.project.projectId)).map((request) => request.route),
      'one refused upsert, not retried, no redeploy',
    ).toEqual(['env']);
  });
}

test('names VERCEL_PROJECT_ID and VERCEL_TEAM_ID when Vercel finds no such project (404)', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, {}, {});

  const error = await vercelSync({ ...setup.env, VERCEL_PROJECT_ID: 'prj_nosuchproject' }, fast).catch(
    (caught: unknown) => caught,
  );

  expect((error as VercelSyncError).message).toContain('answered HTTP 404 not_found ("Project not found")');
  expect((error as VercelSyncError).message).toMatch(/What to do: .*VERCEL_PROJECT_ID.*VERCEL_TEAM_ID/);
});

/** Vercel's 201 answer to an upsert when it refused a variable (its `failed` list). */
async function refuseClientIdOnce(emulator: EmulatorControl, setup: VercelSetup): Promise<void> {
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      created: [],
      failed: [
        {
          error: {
            code: 'ENV_CONFLICT',
            message: 'A variable with the name `GOTO_CLIENT_ID` already exists for the target production',
            key: 'GOTO_CLIENT_ID',
          },
        },
      ],
    }),
  });
}

test('names the variable Vercel refused inside a 201 answer, with Vercel’s words and what to do', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await refuseClientIdOnce(emulator, setup);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_ENV_NOT_SAVED');
  expect((error as VercelSyncError).message).toContain(
    'answered HTTP 201, but Vercel did not save GOTO_CLIENT_ID (ENV_CONFLICT "A variable with the name',
  );
  expect((error as VercelSyncError).message).toContain('delete it under Project → Settings → Environment Variables');
});

test('stops before the redeploy when Vercel refused a variable inside a 201 answer', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await refuseClientIdOnce(emulator, setup);

  await vercelSync(setup.env, fast).catch(() => undefined);

  expect((await emulator.vercelRequests(setup.project.projectId)).map((request) => request.route)).toEqual(['env']);
});

test('never shows a value, the Vercel token or the deploy hook in step titles, attachments, results or errors', async ({
  emulator,
}) => {
  const setup = await vercelSandbox(emulator);
  const testInfo = test.info();
  const titles: string[] = [];
  const send = stepSender(fast);
  const recording: typeof send = (request) => {
    titles.push(`${request.step} · ${request.method} ${shownPath(request)}`);
    return send(request);
  };
  const result = await syncToVercel(recording, setup.env);
  const firstRefreshToken = setup.values.GOTO_REFRESH_TOKEN;
  // A new refresh token, so the second sync redeploys; Vercel may echo what it was sent:
  // its hook answers with the refresh token in its error.
  await replaceValue(setup, 'GOTO_REFRESH_TOKEN');
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'deploy-hook',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error: {
        code: 'internal_server_error',
        message: `could not deploy with ${setup.values.GOTO_REFRESH_TOKEN} and ${setup.values.GOTO_CLIENT_SECRET}`,
      },
    }),
  });
  const error = (await syncToVercel(recording, setup.env).catch((caught: unknown) => caught)) as VercelSyncError;

  expect(error.message).toContain('Step "trigger the Vercel deploy hook" failed: POST /v1/integrations/deploy/');
  expect(titles, 'each request was a step: 6 for the first sync, 4 for the second').toHaveLength(10);
  const attachments = testInfo.attachments.map((attachment) => ({
    name: `attachment ${attachment.name}`,
    text: `${attachment.name}\n${attachment.body?.toString('utf8') ?? ''}`,
  }));
  expect(attachments.length, 'the exchanges were attached').toBeGreaterThanOrEqual(10);
  expect(
    attachments.map((attachment) => attachment.text).join('\n'),
    'the attachments show the request bodies, redacted',
  ).toMatch(/"key": "GOTO_REFRESH_TOKEN",\s+"value": "‹redacted sha256:[0-9a-f]{12}›"/);
  const artifacts = [
    { name: 'step titles', text: titles.join('\n') },
    { name: 'result', text: JSON.stringify(result) },
    { name: 'error', text: `${error.message}\n${JSON.stringify(error)}` },
    ...attachments,
  ];
  expect(findSecrets(artifacts, { ...secretsOf(setup), 'first GOTO_REFRESH_TOKEN': firstRefreshToken })).toEqual([]);
});

for (const missing of [['VERCEL_TOKEN', 'VERCEL_PROJECT_ID'], ['VERCEL_TOKEN'], ['VERCEL_PROJECT_ID']]) {
  test(`is off, sending nothing, without ${missing.join(' and ')}`, async ({ emulator, vercelSync }) => {
    const setup = await vercelSandbox(emulator);
    const env = { ...setup.env, ...Object.fromEntries(missing.map((name) => [name, ''])) };

    const result = await vercelSync(env, fast);

    expect(result).toEqual({
      status: 'off',
      reason: expect.stringContaining(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`),
    });
    expect(await emulator.vercelRequests(setup.project.projectId)).toEqual([]);
  });
}

test('on the emulator target, stays off unless Vercel too is on this machine', async ({ emulator, vercelSync }) => {
  const setup = await vercelSandbox(
    emulator,
    {},
    { GOTO_TARGET: 'emulator', VERCEL_API_BASE_URL: 'https://api.vercel.com', VERCEL_DEPLOY_HOOK_URL: '' },
  );

  const result = await vercelSync(setup.env, fast);

  expect(result).toEqual({
    status: 'off',
    reason: expect.stringContaining('made-up tokens go only to a Vercel on this machine'),
  });
});

test('refuses invalid VERCEL_* settings before sending anything, listing every one without its value', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(
    emulator,
    {},
    {
      VERCEL_TARGETS: 'prod,preview',
      VERCEL_API_BASE_URL: 'http://vercel.example.com',
      VERCEL_DEPLOY_HOOK_URL: 'not a hook url',
    },
  );

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_CONFIG');
  const { message } = error as VercelSyncError;
  for (const name of ['VERCEL_TARGETS', 'VERCEL_API_BASE_URL', 'VERCEL_DEPLOY_HOOK_URL'])
    expect(message).toContain(`  - ${name} `);
  expect(message).toContain('nothing was sent');
  for (const value of ['vercel.example.com', 'not a hook url', 'prod,'])
    expect(message.includes(value), `"${value}" is not echoed`).toBe(false);
  expect(await emulator.vercelRequests(setup.project.projectId)).toEqual([]);
});

test('refuses to sync when a GoTo value is missing from the env file, naming it, before sending anything', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await writeFile(setup.envFile, (await readFile(setup.envFile, 'utf8')).replace(/^GOTO_REFRESH_TOKEN=.*\n/m, ''));

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain('GOTO_REFRESH_TOKEN is not set');
  expect(await emulator.vercelRequests(setup.project.projectId)).toEqual([]);
});

test('retries an upsert Vercel rate-limited (429) after its Retry-After, then saves the variables', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
    body: JSON.stringify({ error: { code: 'rate_limited', message: 'Rate limit exceeded' } }),
  });

  const result = await vercelSync(setup.env, fast);

  expect(result.status).toBe('synced');
  const upserts = valueUpserts(await emulator.vercelRequests(setup.project.projectId));
  expect(
    upserts.map((request) => (request.json as SentVariable[])[0]?.target.join()),
    'production sent twice, then preview',
  ).toEqual(['production', 'production', 'preview']);
});

test('a Vercel that cannot be reached fails naming the step, the address and VERCEL_API_BASE_URL, with the env file as it was', async ({
  emulator,
  vercelSync,
}) => {
  const port = await closedPort();
  const setup = await vercelSandbox(emulator, {}, { VERCEL_API_BASE_URL: `http://127.0.0.1:${port}` });
  const bytesBefore = await readFile(setup.envFile);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_NETWORK');
  expect((error as VercelSyncError).message).toContain(
    'Step "save the GoTo values as Vercel environment variables (production)" failed after 3 attempts: ' +
      `POST http://127.0.0.1:${port}/v10/projects/${setup.project.projectId}/env could not connect (ECONNREFUSED`,
  );
  expect((error as VercelSyncError).message).toContain(
    'check the host and port in VERCEL_API_BASE_URL and that the server there is running',
  );
  expect((error as VercelSyncError).message).toContain('The env file was not changed. Running the sync again is safe.');
  expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});

test('a Vercel answer whose body is not what Vercel documents fails naming the step, Vercel and VERCEL_API_BASE_URL, with nothing of GoTo in it', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 201,
    headers: { 'content-type': 'text/html' },
    body: '<html>Sign in to your proxy</html>',
  });
  const bytesBefore = await readFile(setup.envFile);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_RESPONSE');
  const message = (error as VercelSyncError).message;
  expect(message).toContain(
    'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/',
  );
  expect(message).toContain(
    'but the body is not what Vercel documents:\nthe body is not JSON (content-type text/html)',
  );
  expect(message).toContain(
    'What to do: check that VERCEL_API_BASE_URL points at Vercel, not at a proxy or a login page.',
  );
  expect(message.slice(message.indexOf('What to do:')), 'the advice is Vercel’s, not GoTo’s').not.toMatch(/GOTO_|GoTo/);
  expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});
