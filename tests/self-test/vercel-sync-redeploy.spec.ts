import { expect, test, VercelSyncError } from './fixtures';
import { expectedFingerprint as fingerprint } from './helpers/fingerprints';
import { vercelSandbox, fast, redeployRoutes } from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: how the sync
 * redeploys: one POST to the deploy hook, or the deployments API without one, and what it says
 * when there is nothing to redeploy. Each test registers its own project.
 */

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
