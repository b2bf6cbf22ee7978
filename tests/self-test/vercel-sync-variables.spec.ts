import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { expectedFingerprint as fingerprint } from './helpers/fingerprints';
import {
  syncedKeys,
  syncRecordKey,
  type SyncedValues,
  type SentVariable,
  vercelSandbox,
  fast,
  valueUpserts,
  replaceValue,
} from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: what the sync
 * saves: the four GoTo values as Vercel environment variables, what Vercel received for them
 * (method, path, teamId, Bearer token, each variable's key, type, target and value) and what the
 * project then holds. Each test registers its own project.
 */

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
