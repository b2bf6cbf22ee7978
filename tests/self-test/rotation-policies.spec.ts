import type { RotationSettings } from '../../emulator/control-client';
import { expect, readEnvValues, test, updateEnvFile } from './fixtures';
import { runCollection } from './helpers/run-collection';

/*
 * GoTo's pages disagree on rotation (docs/goto-facts.md §3c, §10): the 2017 how-use-refresh-tokens
 * page says a refresh token "is valid for one use only" and an early refresh invalidates the
 * access token in use; its 2020 version renews it "at the end of" its 30 days; the current guide
 * exists in a version that returns one only when the old one expired and one that returns one on
 * every refresh. Nothing says whether a rotated-out token sent again revokes the grant. So the
 * collection runs, as a user's laptop or CI job runs it (`npx playwright test`, GOTO_TARGET=goto on
 * the emulator's loopback URLs), under the emulator's default (the strictest reading) and under
 * every combination of its milder options: each renewal policy, with and without revoking earlier
 * access tokens, with and without a grace period. Each run has two workers, so checks in one file
 * run while the refresh step in another revokes the access token they set out with.
 *
 * Reuse detection stays on in those, so a rotated-out token sent even once would kill the grant
 * the test then finds alive; turning it off only makes that reuse cheaper (refused, the grant
 * kept), so one row per renewal policy without it, the emulator's former default among them,
 * is enough to show the milder server changes nothing either.
 */
test.describe.configure({ timeout: 5 * 60_000 });

const DAY = 86_400;

/** The first run (the exchange of a pasted code, then a refresh), then two daily runs, by day on the client's clock. */
const runDays = [0, 24, 25];

/**
 * The first run runs every check, the `@write` one included (against a `goto` target it runs only
 * when `--grep` names it, lib/config/run-plan.ts). The later runs are the daily chain's default:
 * there the client's clock is weeks ahead of the machine's, by which the checks pick "the next
 * webinar", and the emulator refuses to delete a registrant of a webinar that has begun on its clock.
 */
const checksOnDay = (day: number) => (day === 0 ? ['--grep=@write|.'] : []);

type Renewal = {
  says: string;
  /** Refresh tokens the server issues over the runs: at the exchange, then at each refresh that renews. */
  issued: number;
  /** Which of them (oldest first) each run's refresh sends: always the one the answer before it left current. */
  sent: number[];
};

const everyRefresh: Renewal = { says: 'renews the refresh token at every refresh', issued: 4, sent: [0, 1, 2] };
const renewals: Array<Renewal & { policy: Partial<RotationSettings> }> = [
  { ...everyRefresh, policy: { rotation: 'every-refresh' } },
  // Day 24 leaves 6 of the 30 days: inside the 7-day window, so that refresh renews it.
  {
    policy: { rotation: 'near-end', rotationWindowSeconds: 7 * DAY },
    says: 'renews it in its last 7 days',
    issued: 2,
    sent: [0, 0, 1],
  },
  { policy: { rotation: 'never' }, says: 'never renews it', issued: 1, sent: [0, 0, 0] },
];

function titleOf(renewal: Renewal, policy: Partial<RotationSettings>): string {
  return [
    renewal.says,
    policy.revokePreviousAccessTokens ? 'revokes earlier access tokens' : 'keeps earlier access tokens',
    policy.rotationGraceSeconds ? `gives ${policy.rotationGraceSeconds} s of grace` : 'gives no grace',
    policy.reuseDetection ? 'revokes the grant on reuse' : 'only refuses a reused token',
  ].join(', ');
}

/** What the test asks of the emulator (none: its default), and what the runs should then send and store. */
type Row = Renewal & { policy?: Partial<RotationSettings> };

const rows: Row[] = [
  // Created without options: the emulator's default is the strictest combination (emulator/state.ts).
  {
    ...everyRefresh,
    says: 'keeps its default, the strictest reading of GoTo’s pages (a new refresh token at every refresh, earlier access tokens revoked, reuse revokes the grant)',
  },
  ...renewals.flatMap((renewal) =>
    [false, true].flatMap((revokePreviousAccessTokens) =>
      [0, 120]
        .map((rotationGraceSeconds) => ({
          ...renewal.policy,
          revokePreviousAccessTokens,
          rotationGraceSeconds,
          reuseDetection: true,
        }))
        // That one is the default, the first row.
        .filter(
          (policy) =>
            !(policy.rotation === 'every-refresh' && revokePreviousAccessTokens && !policy.rotationGraceSeconds),
        )
        .map((policy) => ({ ...renewal, policy, says: titleOf(renewal, policy) })),
    ),
  ),
  ...renewals.map((renewal) => {
    const policy = {
      ...renewal.policy,
      revokePreviousAccessTokens: false,
      rotationGraceSeconds: 0,
      reuseDetection: false,
    };
    return { ...renewal, policy, says: titleOf(renewal, policy) };
  }),
];

for (const row of rows) {
  test(`when the server ${row.says}, the collection passes on two workers run after run and ends holding its current refresh token, the grant alive`, async ({
    sandbox,
    emulator,
  }, testInfo) => {
    const clientId = sandbox.client.clientId;
    if (row.policy) await emulator.updateClient(clientId, row.policy);
    await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: (await emulator.issueCode(clientId)).code });

    let day = 0;
    for (const runDay of runDays) {
      await test.step(`run on day ${runDay}`, async () => {
        await emulator.advanceClock(clientId, (runDay - day) * DAY);
        day = runDay;
        const run = await runCollection(sandbox.env, [
          ...checksOnDay(runDay),
          '--workers=2',
          '--reporter=line',
          `--output=${testInfo.outputPath(`day-${runDay}`)}`,
        ]);
        expect(run.exitCode, run.output).toBe(0);
      });
    }

    const received = await emulator.requests(clientId);
    // A registration sent with an access token a refresh in the other worker had just revoked is
    // answered 401 and sent again with the new one: only the answers that registered count.
    expect(
      received
        .filter((request) => request.route === 'registrants' && request.method === 'POST')
        .map((request) => request.status)
        .filter((status) => status !== 401),
      'the first run’s @write check registered one person',
    ).toEqual([201]);
    const tokenRequests = received.filter((request) => request.route === 'token');
    expect(
      tokenRequests.map((request) => request.form?.grant_type),
      'one exchange, then one refresh per run: no check refreshed for a token a refresh had revoked',
    ).toEqual(['authorization_code', ...runDays.map(() => 'refresh_token')]);
    const issued = await emulator.refreshTokens(clientId);
    expect(issued, 'the server renewed the refresh token as its policy says').toHaveLength(row.issued);
    expect(
      tokenRequests.slice(1).map((request) => issued.findIndex((token) => token.token === request.form?.refresh_token)),
      'each refresh sent the refresh token the answer before it left current, never one it replaced',
    ).toEqual(row.sent);
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
    const lastRunCalls = received.slice(received.findLastIndex((request) => request.route === 'token') + 1);
    expect(lastRunCalls.length, 'the last run called the APIs').toBeGreaterThan(0);
    expect(
      lastRunCalls.every((request) => request.headers.authorization === `Bearer ${stored.GOTO_ACCESS_TOKEN}`),
      'each with the access token the env file holds',
    ).toBe(true);
  });
}
