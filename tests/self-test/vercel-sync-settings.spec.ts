import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError, expect, test, VercelSyncError } from './fixtures';
import { vercelSandbox, fast } from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: when the sync is
 * off, and the settings it refuses before sending anything. Each test registers its own project.
 */

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

test('with a grant store, stays off and sends nothing: the app takes its tokens from the store', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, {}, { GOTO_GRANT_STORE: 'redis://127.0.0.1:1' });

  const result = await vercelSync(setup.env, fast);

  expect(result).toEqual({
    status: 'off',
    reason: expect.stringContaining(
      'off with a grant store (GOTO_GRANT_STORE): the app takes its tokens from the store',
    ),
  });
  expect(await emulator.vercelRequests(setup.project.projectId)).toEqual([]);
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
