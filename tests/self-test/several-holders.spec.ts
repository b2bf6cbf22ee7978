import { writeFile } from 'node:fs/promises';
import { expect, fingerprint, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import {
  authorize,
  refreshesReceived,
  sharedGrant,
  startBrokerApp,
  storedGrant,
  type BrokerAppSummary,
  type SharedGrant,
} from './helpers/grant-holders';
import { runCollection, type CollectionRun } from './helpers/run-collection';

/*
 * Every kind of holder on one grant at once, as processes of their own with env files and
 * output folders of their own, on a real Redis and a real PostgreSQL, with the emulator as GoTo
 * in its strictest mode (a new refresh token at every refresh, earlier access tokens revoked at
 * each refresh, a rotated-out refresh token presented again revokes the whole grant):
 * - three instances of an app, each serving three requests at a time through the broker, whose
 *   tokens count as due two seconds after they were issued, so that the instances refresh
 *   again and again, and each refresh revokes the access tokens every other holder is using;
 * - two CI machines and a laptop, each running `npx playwright test` (the tokens, API and
 *   Webinar checks) over and over meanwhile.
 */

/** Refreshes the scenario goes through; GOTO_TEST_SCENARIO_REFRESHES raises it (docs/grant-store.md's figure: 200). */
const rotations = Number(process.env.GOTO_TEST_SCENARIO_REFRESHES ?? 20);

const checks = [
  'tests/collection/10-tokens.spec.ts',
  'tests/collection/20-api-checks.spec.ts',
  'tests/collection/30-webinar-checks.spec.ts',
];

/** A machine that runs the collection: an env file of its own with no token (the store has them). */
async function machine(shared: SharedGrant, name: string): Promise<Env> {
  const envFile = test.info().outputPath(`${name}.env`);
  await writeFile(envFile, `# ${name}\n`, { mode: 0o600 });
  return { ...shared.env, GOTO_ENV_FILE: envFile, GOTO_GRANT_NAME: shared.grant };
}

for (const backend of ['redis', 'postgres'] as const) {
  test(`on ${backend}, three app instances through the broker, two CI runs and a laptop run share one grant through ${rotations} rotations: every call and every run passes, no rotated-out refresh token is sent, the grant lives`, async ({
    emulator,
    emulatorClient,
  }) => {
    // Whole `playwright test` runs and app processes side by side: time for a loaded machine, not for speed.
    test.setTimeout(Math.max(900_000, rotations * 20_000));
    const shared = await sharedGrant(backend, emulator, emulatorClient);
    const first = await authorize(shared);
    const apps = Array.from({ length: 3 }, () =>
      startBrokerApp(shared, { concurrency: 3, minValidityMs: 3_600_000 - 2_000 }),
    );
    await Promise.all(apps.map((app) => app.reached('ready')));

    let enough = false;
    const machines = ['ci-1', 'ci-2', 'laptop'].map(async (name) => {
      const env = await machine(shared, name);
      const runs: CollectionRun[] = [];
      do {
        const output = test.info().outputPath(`${name}-run-${runs.length + 1}`);
        runs.push(await runCollection(env, [...checks, '--reporter=line', `--output=${output}`]));
      } while (!enough);
      return { name, runs };
    });
    await expect
      .poll(async () => (await refreshesReceived(shared)).length, {
        // The apps' pace sets it: about one refresh in two seconds, slower on a loaded machine.
        timeout: rotations * 15_000,
        intervals: [500],
      })
      .toBeGreaterThanOrEqual(rotations);
    enough = true;
    const finished = await Promise.all(machines);
    for (const app of apps) app.tell('stop');
    const summaries = await Promise.all(apps.map((app) => app.result<BrokerAppSummary>()));

    for (const { name, runs } of finished)
      for (const [n, run] of runs.entries())
        expect(run.exitCode, `${name}'s run ${n + 1} passed:\n${run.output}`).toBe(0);
    for (const summary of summaries) {
      expect(summary.failures, 'every call of the app served').toEqual([]);
      expect(summary.succeeded).toBeGreaterThan(0);
    }
    const sent = (await refreshesReceived(shared)).map((request) => fingerprint(request.form?.refresh_token ?? ''));
    const issued = await emulator.refreshTokens(emulatorClient.clientId);
    expect(
      sent,
      'each refresh sent the refresh token the one before it received: none rotated out, none twice',
    ).toEqual(issued.slice(0, -1).map((token) => fingerprint(token.token)));
    const live = issued.at(-1);
    expect(live?.active && live.current, 'the grant is alive').toBe(true);
    const stored = await storedGrant(shared);
    expect(stored?.record.state).toBe('ok');
    expect(fingerprint(stored?.record.refreshToken ?? ''), 'the store holds the live refresh token').toBe(
      fingerprint(live?.token ?? '-'),
    );
    expect(stored?.version, 'one version per refresh').toBe(first.version + sent.length);
    const served = summaries.reduce((sum, summary) => sum + summary.succeeded, 0);
    const runs = finished.reduce((sum, { runs }) => sum + runs.length, 0);
    test.info().annotations.push({
      type: 'scenario',
      description: `${backend}: ${sent.length} refreshes, ${served} app calls served, ${runs} collection runs passed`,
    });
  });
}
