import type { RotationSettings } from '../../emulator/control-client';
import { expect, readEnvValues, test, updateEnvFile } from '../../fixtures';
import { runCollection } from './helpers/run-collection';

/*
 * GoTo documents when it renews a refresh token only loosely ("at the end of" its 30 days),
 * and nothing about a grace period or about earlier access tokens after a refresh
 * (docs/goto-facts.md §9). So the daily chain runs, as a user's laptop or CI job
 * runs it (`npx playwright test`, GOTO_TARGET=goto on the emulator's loopback URLs), under
 * every combination of the emulator's rotation policies: each renewal policy, with and
 * without revoking earlier access tokens, with and without a grace period. Reuse detection
 * is on throughout: a rotated-out refresh token sent again would revoke the whole grant
 * (RFC 9700 §4.14.2), so a grant alive at the end proves none was.
 */
test.describe.configure({ timeout: 5 * 60_000 });

const DAY = 86_400;

/** The first run (the exchange of a pasted code, then a refresh), then two daily runs, by day on the client's clock. */
const runDays = [0, 24, 25];

const renewals: Array<{ policy: Pick<RotationSettings, 'rotation'> & Partial<RotationSettings>; says: string }> = [
  { policy: { rotation: 'every-refresh' }, says: 'renews the refresh token at every refresh' },
  // Day 24 leaves 6 of the 30 days: inside the 7-day window, so that refresh renews it.
  { policy: { rotation: 'near-end', rotationWindowSeconds: 7 * DAY }, says: 'renews it in its last 7 days' },
  { policy: { rotation: 'never' }, says: 'never renews it' },
];

/** Refresh tokens the server issues over the runs: at the exchange, then at each refresh that renews. */
const issuedUnder: Record<RotationSettings['rotation'], number> = { 'every-refresh': 4, 'near-end': 2, never: 1 };

test('under the emulator’s default, the strictest reading of GoTo’s pages, daily runs on two workers pass and end holding its current refresh token, the grant alive', async ({
  sandbox,
  emulator,
}, testInfo) => {
  // No policy set: a new refresh token at every refresh, earlier access tokens revoked by
  // each refresh, reuse detection on. Two workers, so checks in one file run while the
  // refresh step in another revokes the access token they set out with.
  const clientId = sandbox.client.clientId;
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: (await emulator.issueCode(clientId)).code });

  for (const run of ['first', 'second', 'third']) {
    await test.step(`${run} run`, async () => {
      const result = await runCollection(sandbox.env, [
        '--workers=2',
        '--reporter=line',
        `--output=${testInfo.outputPath(run)}`,
      ]);
      expect(result.exitCode, result.output).toBe(0);
    });
  }

  const received = await emulator.requests(clientId);
  expect(
    received.filter((request) => request.route === 'token').map((request) => request.form?.grant_type),
    'one exchange, then one refresh per run',
  ).toEqual(['authorization_code', 'refresh_token', 'refresh_token', 'refresh_token']);
  const issued = await emulator.refreshTokens(clientId);
  expect(issued, 'a new refresh token at every refresh').toHaveLength(4);
  const current = issued.filter((token) => token.current);
  expect(current[0]?.token === readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN, 'the env file holds it').toBe(true);
  expect(current[0]?.active, 'and the server still takes it: the grant is alive').toBe(true);
});

for (const renewal of renewals) {
  for (const revokePreviousAccessTokens of [false, true]) {
    for (const rotationGraceSeconds of [0, 120]) {
      const policy: Partial<RotationSettings> = {
        ...renewal.policy,
        revokePreviousAccessTokens,
        rotationGraceSeconds,
        reuseDetection: true,
      };
      const access = revokePreviousAccessTokens ? 'revokes earlier access tokens' : 'keeps earlier access tokens';
      const grace = rotationGraceSeconds > 0 ? `gives ${rotationGraceSeconds} s of grace` : 'gives no grace';

      test(`when the server ${renewal.says}, ${access} and ${grace}, daily runs pass and end holding its current refresh token, the grant alive`, async ({
        sandbox,
        emulator,
      }, testInfo) => {
        const clientId = sandbox.client.clientId;
        await emulator.updateClient(clientId, policy);
        await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: (await emulator.issueCode(clientId)).code });

        let day = 0;
        for (const runDay of runDays) {
          await test.step(`run on day ${runDay}`, async () => {
            await emulator.advanceClock(clientId, (runDay - day) * DAY);
            day = runDay;
            const run = await runCollection(sandbox.env, [
              '--reporter=line',
              `--output=${testInfo.outputPath(`day-${runDay}`)}`,
            ]);
            expect(run.exitCode, run.output).toBe(0);
          });
        }

        const received = await emulator.requests(clientId);
        expect(
          received.filter((request) => request.route === 'token').map((request) => request.form?.grant_type),
          'one exchange, then one refresh per run',
        ).toEqual(['authorization_code', ...runDays.map(() => 'refresh_token')]);
        const issued = await emulator.refreshTokens(clientId);
        expect(issued, 'the server renewed the refresh token as its policy says').toHaveLength(
          issuedUnder[renewal.policy.rotation],
        );
        const stored = readEnvValues(sandbox.envFile);
        const current = issued.filter((token) => token.current);
        expect(current, 'one refresh token is current').toHaveLength(1);
        expect(stored.GOTO_REFRESH_TOKEN === current[0]?.token, 'the env file holds it').toBe(true);
        expect(current[0]?.active, 'and the server still takes it: the grant is alive').toBe(true);
        const accessTokens = await emulator.accessTokens(clientId);
        expect(
          accessTokens.some((token) => token.active && token.token === stored.GOTO_ACCESS_TOKEN),
          'the stored access token works',
        ).toBe(true);
        const lastRunChecks = received
          .slice(received.findLastIndex((request) => request.route === 'token') + 1)
          .filter((request) => request.route === 'users-me' || request.route === 'webinars');
        expect(lastRunChecks.length, 'the last run called the APIs').toBeGreaterThan(0);
        expect(
          lastRunChecks.every((request) => request.headers.authorization === `Bearer ${stored.GOTO_ACCESS_TOKEN}`),
          'with the access token the env file holds',
        ).toBe(true);
      });
    }
  }
}
