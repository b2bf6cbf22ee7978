import { readFile, writeFile } from 'node:fs/promises';
import { expect, readEnvValues, test, type EmulatorControl, type Sandbox } from './fixtures';
import { runCollection } from './helpers/run-collection';

// Whole `playwright test` runs of the daily chain (refresh → API checks) against the
// emulator as target goto, counting at the emulator what reached the token endpoint.
// Whole `playwright test` runs, up to 20 in one test: timeouts for a loaded machine, not for speed.
test.describe.configure({ timeout: 20 * 60_000 });

async function authorizedSandbox(sandbox: Sandbox, emulator: EmulatorControl): Promise<void> {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
}

async function requestsByRoute(emulator: EmulatorControl, clientId: string) {
  const received = await emulator.requests(clientId);
  return {
    refreshes: received.filter((request) => request.route === 'token' && request.form?.grant_type === 'refresh_token'),
    apiCalls: received.filter((request) => request.route === 'users-me' || request.route === 'webinars'),
  };
}

test('with --workers=4 and 20 API checks side by side, the first check refreshes, the others use its token: one token request', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await authorizedSandbox(sandbox, emulator);
  const before = await requestsByRoute(emulator, sandbox.client.clientId);

  const run = await runCollection(sandbox.env, [
    'tests/collection/20-api-checks.spec.ts',
    '--workers=4',
    '--repeat-each=10',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('20 passed');
  const after = await requestsByRoute(emulator, sandbox.client.clientId);
  expect(after.refreshes.length - before.refreshes.length, 'one refresh for the whole run').toBe(1);
  const bearers = new Set(after.apiCalls.map((request) => request.headers.authorization));
  // 20 checks; a webinar check that starts before Users/me stored the organizer key asks for it itself.
  expect(after.apiCalls.length).toBeGreaterThanOrEqual(20);
  expect(bearers.size, 'every API check sent the same access token').toBe(1);
  expect(
    [...bearers][0] === `Bearer ${readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN}`,
    'the one the refresh stored',
  ).toBe(true);
});

test('20 daily runs in a row pass against a server that rotates the refresh token on every refresh, ending with the one it still accepts', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh' });
  await authorizedSandbox(sandbox, emulator);
  const userLines = '# my own notes\nAPP_NAME="webinar sync"\n';
  await writeFile(sandbox.envFile, `${userLines}${await readFile(sandbox.envFile, 'utf8')}`);

  for (let day = 1; day <= 20; day++) {
    const run = await runCollection(sandbox.env, ['--reporter=line', `--output=${testInfo.outputPath(`run-${day}`)}`]);
    expect(run.exitCode, `run ${day}: ${run.output}`).toBe(0);
  }

  const { refreshes } = await requestsByRoute(emulator, sandbox.client.clientId);
  expect(refreshes, 'one refresh per run').toHaveLength(20);
  const accepted = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active);
  expect(accepted, 'the server accepts exactly one refresh token').toHaveLength(1);
  expect(readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN === accepted[0]?.token, 'and the env file holds it').toBe(
    true,
  );
  expect((await readFile(sandbox.envFile, 'utf8')).startsWith(userLines), 'the user’s own lines are untouched').toBe(
    true,
  );
});

test('after a failed token request, the run’s later checks send no token request of their own, though GoTo would now answer one', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await authorizedSandbox(sandbox, emulator);
  // The first token request of the run is refused; the refresh token itself still works, so
  // a later check that sent a refresh of its own would get an answer and pass.
  await emulator.addFault(sandbox.client.clientId, {
    route: 'token',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: '{"error":"invalid_grant","error_description":"emulated failure"}',
  });
  const tokenRequests = async () =>
    (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'token').length;
  const before = await tokenRequests();

  const run = await runCollection(sandbox.env, [
    '--workers=2',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(run.exitCode, 'the run fails').not.toBe(0);
  expect((await tokenRequests()) - before, 'the refused refresh is the run’s only token request').toBe(1);
});
