import { readdirSync } from 'node:fs';
import { expect, fingerprint, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import type { HolderStep } from '../../lib/grant-store/holder-protocol';
import {
  authorize,
  backendNames,
  refreshesReceived,
  sharedGrant,
  startHolder,
  storedGrant,
  type SharedGrant,
} from './helpers/grant-holders';
import { startRedis } from './helpers/store-servers';

/*
 * Crash safety past the machine's edge: a holder killed with SIGKILL at each step of the
 * protocol (lib/grant-store/holder-protocol.ts), against the emulator in its strictest mode (a
 * new refresh token at every refresh, the grant revoked when a rotated-out one comes back). The
 * grant survives, except where the answer existed only in the killed process: then the record
 * says needs-reauth and nobody sends the dead token again (docs/grant-store.md, "Holders and the shared store").
 */

test.describe.configure({ timeout: 120_000 });

/** A lease of one second, so the next holder does not wait long for a killed holder's. */
const short = { leaseTtlMs: 1_000 };
/** Every stored token counts as too old: the holder is due to refresh. */
const due = { minValidityMs: 2 * 3_600_000 };

/** Holder A's machine: its env file, where its recovery file is kept (on the env-file store, the store's own). */
function machineA(shared: SharedGrant): Env {
  return shared.backend === 'env-file' ? {} : { GOTO_ENV_FILE: test.info().outputPath('machine-a.env') };
}

async function killedAt(shared: SharedGrant, step: HolderStep): Promise<void> {
  const holder = startHolder(shared, { mode: 'once', pauseAt: step, timings: { ...short, ...due } }, machineA(shared));
  await holder.reached(`at ${step}`);
  holder.kill('SIGKILL');
  await holder.exited;
}

const recoveryFiles = () => readdirSync(test.info().outputPath()).filter((file) => file.endsWith('.recovery'));

for (const backend of backendNames) {
  test.describe(`a holder killed (SIGKILL) on ${backend}`, () => {
    test('holding the lease, before sending: the lease runs out and the next holder refreshes with the token never sent', async ({
      emulator,
      emulatorClient,
    }) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      const first = await authorize(shared);
      await killedAt(shared, 'leased');
      expect(await refreshesReceived(shared), 'nothing was sent').toHaveLength(0);
      expect(await startHolder(shared, { mode: 'once', timings: due }).result()).toMatchObject({
        source: 'refreshed',
        version: 2,
      });
      expect(
        (await refreshesReceived(shared)).map((request) => fingerprint(request.form?.refresh_token ?? '')),
      ).toEqual([fingerprint(first.record.refreshToken ?? '')]);
      expect((await emulator.refreshTokens(emulatorClient.clientId)).at(-1)?.current).toBe(true);
    });

    test('after GoTo answered, before the answer was written anywhere: the grant cannot survive; the next refresh marks needs-reauth and after that nobody sends anything', async ({
      emulator,
      emulatorClient,
    }) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      await killedAt(shared, 'answered');
      expect(recoveryFiles(), 'a reservation without an answer is left').toHaveLength(1);
      const next = await startHolder(shared, { mode: 'once', timings: due }, machineA(shared)).result();
      expect(next).toMatchObject({ error: { code: 'GRANT_NEEDS_REAUTH', version: 2 } });
      expect(await storedGrant(shared)).toMatchObject({ version: 2, record: { state: 'needs-reauth' } });
      const received = (await emulator.requests(emulatorClient.clientId)).length;
      expect(await startHolder(shared, { mode: 'once', timings: due }).result()).toMatchObject({
        error: { code: 'GRANT_NEEDS_REAUTH' },
      });
      expect((await emulator.requests(emulatorClient.clientId)).length, 'nothing more was sent').toBe(received);
    });

    test('after the answer was kept, before the commit: the next holder on that machine commits it first, and GoTo gets no second refresh', async ({
      emulator,
      emulatorClient,
    }) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      await killedAt(shared, 'kept');
      expect(await storedGrant(shared), 'nothing was committed').toMatchObject({ version: 1 });
      const next = await startHolder(shared, { mode: 'once' }, machineA(shared)).result();
      expect(next).toMatchObject({ source: 'stored', version: 2, events: ['recovery:committed'] });
      expect(recoveryFiles(), 'the recovery file is deleted').toEqual([]);
      expect(await refreshesReceived(shared)).toHaveLength(1);
      const live = (await emulator.refreshTokens(emulatorClient.clientId)).at(-1);
      expect(live?.current).toBe(true);
      expect(fingerprint((await storedGrant(shared))?.record.refreshToken ?? '')).toBe(fingerprint(live?.token ?? '-'));
    });

    test('after the commit, before the release: every holder uses the committed token, and the recovery file left behind is found in the store and deleted', async ({
      emulator,
      emulatorClient,
    }) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      await authorize(shared);
      await killedAt(shared, 'committed');
      // Another machine (on the env-file store, there is only machine A).
      const elsewhere = await startHolder(shared, { mode: 'once' }).result();
      const onMachineA = await startHolder(shared, { mode: 'once' }, machineA(shared)).result();
      for (const outcome of [elsewhere, onMachineA]) expect(outcome).toMatchObject({ source: 'stored', version: 2 });
      expect([...elsewhere.events, ...onMachineA.events]).toEqual(['recovery:already-in-store']);
      expect(recoveryFiles()).toEqual([]);
      expect(await refreshesReceived(shared)).toHaveLength(1);
    });
  });
}

test('a store that stops answering after GoTo answered: the holder keeps the answer and retries the commit, which lands once the store answers', async ({
  emulator,
  emulatorClient,
}) => {
  const server = await startRedis();
  try {
    const shared = await sharedGrant('redis', emulator, emulatorClient, { GOTO_GRANT_STORE: server.url });
    await authorize(shared);
    const holder = startHolder(shared, {
      mode: 'once',
      pauseAt: 'kept',
      // The store's own bounds (5 s): shorter ones would fail the reads before the pause on a busy machine.
      timings: { ...due, commitRetryMs: 60_000 },
    });
    await holder.reached('at kept');
    process.kill(server.pid, 'SIGSTOP');
    try {
      holder.tell();
      // The first commit times out; the holder retries.
      await holder.reached('event commit-retry');
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(await holder.result()).toMatchObject({ source: 'refreshed', version: 2 });
    expect(recoveryFiles()).toEqual([]);
    expect((await emulator.refreshTokens(emulatorClient.clientId)).at(-1)?.current).toBe(true);
  } finally {
    await server.stop();
  }
});

test('a store still down when the retries end: the holder fails saying the answer is in the recovery file; the next token request on that machine commits it', async ({
  emulator,
  emulatorClient,
}) => {
  const server = await startRedis();
  try {
    const shared = await sharedGrant('redis', emulator, emulatorClient, { GOTO_GRANT_STORE: server.url });
    await authorize(shared);
    const machine = { GOTO_ENV_FILE: test.info().outputPath('machine-a.env') };
    const holder = startHolder(
      shared,
      {
        mode: 'once',
        pauseAt: 'kept',
        // One commit attempt (bounded by the store's own 5 s) is all the retries have time for.
        timings: { ...due, commitRetryMs: 1_000 },
      },
      machine,
    );
    await holder.reached('at kept');
    process.kill(server.pid, 'SIGSTOP');
    let outcome;
    try {
      holder.tell();
      outcome = await holder.result();
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(outcome).toMatchObject({
      error: {
        code: 'GRANT_ANSWER_NOT_COMMITTED',
        notCommitted: 'store-failed',
        storeError: 'GRANT_STORE_TIMEOUT',
        recoveryFile: expect.stringContaining('.recovery'),
      },
    });
    if ('error' in outcome) expect(outcome.error.message).toContain(`Redis at 127.0.0.1:${server.port}`);
    expect(recoveryFiles()).toHaveLength(1);
    const next = await startHolder(shared, { mode: 'once' }, machine).result();
    // The commit sent before the store hung may have been applied once it answered again.
    expect(next).toMatchObject({
      source: 'stored',
      version: 2,
      events: [expect.stringMatching(/^recovery:(committed|already-in-store)$/)],
    });
    expect(recoveryFiles()).toEqual([]);
    expect(await refreshesReceived(shared)).toHaveLength(1);
  } finally {
    await server.stop();
  }
});
