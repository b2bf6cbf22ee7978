import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { expect, fingerprint, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { childEnv } from './helpers/child-env';
import {
  authorize,
  backendNames,
  refreshesReceived,
  sharedGrant,
  startHolder,
  storedGrant,
  type HolderProcess,
  type SharedGrant,
} from './helpers/grant-holders';

/*
 * A lease that runs out under a slow holder (lib/grant-store/holder-protocol.ts): holder A
 * holds GoTo's answer, kept in its recovery file, and is frozen (SIGSTOP: a closed laptop, a
 * paused VM, a frozen function), so it stops renewing its lease. Its late commit lands if the
 * version is still the one it read; if another holder wrote a newer version meanwhile, the
 * answer is refused, stays in the recovery file, and A is told.
 */

test.describe.configure({ timeout: 120_000 });

/** A holder's lease for these tests: one second, renewed every third of it while the holder runs. */
const short = { leaseTtlMs: 1_000 };
/** Every stored token counts as too old: the holder is due to refresh. */
const due = { minValidityMs: 2 * 3_600_000 };

/** Holder A, frozen holding GoTo's answer (kept, not committed), its lease left to run out. */
async function frozenWithAnswer(shared: SharedGrant, env: Env): Promise<HolderProcess> {
  const slow = startHolder(shared, { mode: 'once', pauseAt: 'kept', timings: { ...short, ...due } }, env);
  await slow.reached('at kept');
  slow.kill('SIGSTOP');
  // On the env-file store a lease renewal takes the env file's lock for a moment: frozen inside
  // it, the holder would keep every other holder out until the lock counts as stale (30 s), a
  // different story from this one. Thawed and frozen again until it holds no lock.
  const lockFile = shared.backend === 'env-file' ? `${realpathSync(shared.env.GOTO_ENV_FILE ?? '')}.lock` : undefined;
  while (lockFile && existsSync(lockFile)) {
    slow.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.kill('SIGSTOP');
  }
  return slow;
}

/** Waits until the lease is free (run out), by taking it for a millisecond. */
async function leaseRunsOut(shared: SharedGrant): Promise<void> {
  const store = await openGrantStore(childEnv(shared.env), { grant: shared.grant });
  try {
    await expect.poll(async () => (await store.acquireLease('probe', 1)).acquired, { timeout: 90_000 }).toBe(true);
  } finally {
    await store.close();
  }
}

/**
 * The env file of holder A's machine, where its recovery file is kept. On the env-file store
 * the env file is the store itself: every holder is on its machine.
 */
function machineOf(shared: SharedGrant, envFile: string): Env {
  return shared.backend === 'env-file' ? {} : { GOTO_ENV_FILE: envFile };
}

function thaw(slow: HolderProcess): void {
  slow.kill('SIGCONT');
  slow.tell();
}

for (const backend of backendNames) {
  test.describe(`a lease that runs out under a slow holder, on ${backend}`, () => {
    test("the late commit lands when nobody wrote since: the answer is the grant's next version, the recovery file gone", async ({
      emulator,
      emulatorClient,
    }, testInfo) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      const machine = machineOf(shared, testInfo.outputPath('machine-a.env'));
      const slow = await frozenWithAnswer(shared, machine);
      await leaseRunsOut(shared);
      thaw(slow);
      const outcome = await slow.result();
      expect(outcome).toMatchObject({ source: 'refreshed', version: 2, events: ['lease-lost'] });
      const stored = await storedGrant(shared);
      expect(stored).toMatchObject({ version: 2, record: { state: 'ok' } });
      if ('accessToken' in outcome) expect(fingerprint(stored?.record.accessToken ?? '')).toBe(outcome.accessToken);
      expect(
        readdirSync(testInfo.outputPath()).filter((file) => file.endsWith('.recovery')),
        'no recovery file is left',
      ).toEqual([]);
      const live = (await emulator.refreshTokens(emulatorClient.clientId)).at(-1);
      expect(live?.current && fingerprint(live.token)).toBe(fingerprint(stored?.record.refreshToken ?? '-'));
    });

    test("the next holder on the same machine commits the frozen holder's kept answer first: GoTo gets no second refresh, and the frozen holder finds its answer in the store", async ({
      emulator,
      emulatorClient,
    }, testInfo) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      const machine = machineOf(shared, testInfo.outputPath('machine-a.env'));
      const slow = await frozenWithAnswer(shared, machine);
      const next = await startHolder(shared, { mode: 'once', timings: short }, machine).result();
      expect(next).toMatchObject({ source: 'stored', version: 2, events: ['recovery:committed'] });
      thaw(slow);
      expect(await slow.result()).toMatchObject({ source: 'refreshed', version: 2 });
      expect(await refreshesReceived(shared), 'one refresh: the frozen holder’s').toHaveLength(1);
      expect((await emulator.refreshTokens(emulatorClient.clientId)).at(-1)?.current).toBe(true);
    });

    // Holders on other machines: the env-file store has only one.
    if (backend === 'env-file') return;

    test('a newer version came meanwhile (GoTo without rotation): the late answer is refused, kept in the recovery file, the holder told; the next holder on that machine finds it superseded and drops it', async ({
      emulator,
      emulatorClient,
    }, testInfo) => {
      await emulator.updateClient(emulatorClient.clientId, { rotation: 'never' });
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      const machine = machineOf(shared, testInfo.outputPath('machine-a.env'));
      const slow = await frozenWithAnswer(shared, machine);
      const next = await startHolder(shared, { mode: 'once', timings: { ...short, ...due } }).result();
      expect(next, 'the next holder took the lease once it ran out, refreshed and committed').toMatchObject({
        source: 'refreshed',
        version: 2,
      });
      thaw(slow);
      const late = await slow.result();
      expect(late).toMatchObject({
        error: {
          name: 'GrantHolderError',
          code: 'GRANT_ANSWER_NOT_COMMITTED',
          notCommitted: 'version-changed',
          version: 1,
          storeVersion: 2,
          recoveryFile: expect.stringContaining('.recovery'),
        },
      });
      const recoveryFile = 'error' in late ? String(late.error.recoveryFile) : '';
      expect(existsSync(recoveryFile), 'the late answer is kept').toBe(true);
      expect((await storedGrant(shared))?.version, 'the newer record stays').toBe(2);

      const after = await startHolder(shared, { mode: 'once' }, machine).result();
      expect(after).toMatchObject({ source: 'stored', version: 2, events: ['recovery:superseded'] });
      expect(existsSync(recoveryFile), 'a superseded answer is dropped').toBe(false);
    });

    test('GoTo revoked the grant when the next holder sent the token the frozen one had rotated out: the record says needs-reauth, the late answer is kept, and every holder is told to authorize again', async ({
      emulator,
      emulatorClient,
    }, testInfo) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      const first = await authorize(shared);
      const machine = machineOf(shared, testInfo.outputPath('machine-a.env'));
      const slow = await frozenWithAnswer(shared, machine);
      const next = await startHolder(shared, { mode: 'once', timings: { ...short, ...due } }).result();
      expect(next).toMatchObject({ error: { code: 'GRANT_NEEDS_REAUTH', version: 2 } });
      thaw(slow);
      expect(await slow.result()).toMatchObject({
        error: { code: 'GRANT_ANSWER_NOT_COMMITTED', notCommitted: 'version-changed', storeVersion: 2 },
      });
      expect(
        (await refreshesReceived(shared)).map((request) => fingerprint(request.form?.refresh_token ?? '')),
        'both sent the refresh token of version 1: the frozen holder first, the next once the lease ran out',
      ).toEqual([fingerprint(first.record.refreshToken ?? ''), fingerprint(first.record.refreshToken ?? '')]);
      const after = await startHolder(shared, { mode: 'once' }, machine).result();
      expect(after).toMatchObject({ error: { code: 'GRANT_NEEDS_REAUTH' }, events: ['recovery:kept'] });
    });

    test("invalid_grant after a newer version landed is no reason for needs-reauth: the holder uses the newer version's token", async ({
      emulator,
      emulatorClient,
    }, testInfo) => {
      // The rotated-out token is refused without revoking the grant, so the frozen holder's answer is the live one.
      await emulator.updateClient(emulatorClient.clientId, { reuseDetection: false });
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      const slow = await frozenWithAnswer(shared, machineOf(shared, testInfo.outputPath('machine-a.env')));
      // The next holder's refresh is answered only once the frozen one has committed.
      await emulator.addFault(emulatorClient.clientId, { route: 'token', holdMs: 60_000 });
      const next = startHolder(shared, { mode: 'once', rejectStored: true, timings: short });
      await expect.poll(async () => (await refreshesReceived(shared)).length, { timeout: 30_000 }).toBe(2);
      thaw(slow);
      expect(await slow.result()).toMatchObject({ source: 'refreshed', version: 2 });
      await emulator.releaseHeld(emulatorClient.clientId);
      const outcome = await next.result();
      expect(outcome).toMatchObject({ source: 'stored-meanwhile', version: 2 });
      expect((await storedGrant(shared))?.record.state).toBe('ok');
    });
  });
}

test('a holder whose lease ran out before it sent checks it right before sending: nothing leaves while another holder has the lease, and it refreshes once that holder is done', async ({
  emulator,
  emulatorClient,
}) => {
  const shared = await sharedGrant('redis', emulator, emulatorClient);
  await authorize(shared);
  const slow = startHolder(shared, { mode: 'once', pauseAt: 'lease-taken', timings: { ...short, ...due } });
  await slow.reached('at lease-taken');
  slow.kill('SIGSTOP');
  const other = await openGrantStore(childEnv(shared.env), { grant: shared.grant });
  try {
    // Another holder takes the lease once the frozen holder's has run out, and keeps it.
    await expect
      .poll(async () => (await other.acquireLease('another-holder', 120_000)).acquired, { timeout: 90_000 })
      .toBe(true);
    thaw(slow);
    await slow.reached('event waiting');
    expect(await refreshesReceived(shared), 'nothing sent without the lease').toHaveLength(0);
    await other.releaseLease('another-holder');
  } finally {
    await other.close();
  }
  // It takes the lease again, and stops at the same step once more.
  await expect.poll(() => slow.output().split('at lease-taken').length - 1, { timeout: 60_000 }).toBe(2);
  slow.tell();
  expect(await slow.result()).toMatchObject({ source: 'refreshed', version: 2 });
  expect(await refreshesReceived(shared), 'one refresh, under its own lease').toHaveLength(1);
});
