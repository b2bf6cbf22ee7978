import { expect, test, VercelSyncError } from './fixtures';
import { expectedFingerprint as fingerprint } from './helpers/fingerprints';
import { markVercelRequests } from './helpers/received-since';
import {
  redeployKeys,
  syncRecordKey,
  vercelSandbox,
  fast,
  recordUpserts,
  recordOf,
  replaceValue,
  listingReports,
} from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: when the sync
 * redeploys: only when the client id, the client secret or the refresh token changed since the
 * last redeploy, as the record it keeps beside the variables says (lib/vercel/sync-record.ts).
 * Each test registers its own project.
 */

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
    const mark = await markVercelRequests(emulator, setup.project.projectId);
    await replaceValue(setup, 'GOTO_ACCESS_TOKEN');

    const result = await vercelSync(setup.env, fast);

    const second = await mark.received();
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
    const mark = await markVercelRequests(emulator, setup.project.projectId);
    const replacement = await replaceValue(setup, key);

    const result = await vercelSync(setup.env, fast);

    const second = await mark.received();
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

test('the report of the list of variables shows the record’s value', async ({ emulator }) => {
  const { setup, listings } = await listingReports(emulator, { key: 'DATABASE_URL', value: 'postgres://db/app' });

  expect(listings[1], 'the record, as the first sync saved it').toContain(recordOf(setup.values));
});
