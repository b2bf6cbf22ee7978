import { expect, fingerprint, test } from './fixtures';
import {
  authorize,
  backendNames,
  refreshesReceived,
  sharedGrant,
  startHolder,
  storedGrant,
  type LoopSummary,
  type OnceResult,
} from './helpers/grant-holders';
import { startRedis, testServerPassword } from './helpers/store-servers';

// Holders are processes of their own, several per test: timeouts for a loaded machine, not for speed.
test.describe.configure({ timeout: 180_000 });

/*
 * The holder protocol (lib/grant-store/holder-protocol.ts) with holders in processes of their
 * own, against the env file, a real Redis and a real PostgreSQL, and the emulator as GoTo in its
 * strictest mode: a new refresh token at every refresh, earlier access tokens revoked, and a
 * rotated-out refresh token presented again revokes the whole grant (RFC 9700 §4.14.2).
 */

/** Refreshes forced in the many-holders test; GOTO_TEST_HOLDER_REFRESHES raises it (docs/grant-store.md's figure: 200). */
const forcedRefreshes = Number(process.env.GOTO_TEST_HOLDER_REFRESHES ?? 20);

for (const backend of backendNames) {
  test.describe(`holders of one grant on ${backend}`, () => {
    test(`three holders serving calls side by side through ${forcedRefreshes} revocations: one refresh per revocation, each with the refresh token then current, every call served, the grant alive`, async ({
      emulator,
      emulatorClient,
    }) => {
      test.setTimeout(Math.max(180_000, forcedRefreshes * 3_000));
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      const first = await authorize(shared);
      // Each revocation rejects a holder's token once at most; a holder starved by a loaded machine may meet them all in one call.
      const loop = { mode: 'loop', replacementsPerCall: forcedRefreshes + 1 } as const;
      const holders = Array.from({ length: 3 }, () => startHolder(shared, loop));
      await Promise.all(holders.map((holder) => holder.reached('ready')));
      const callsSince = async (mark: number) =>
        (await emulator.requests(emulatorClient.clientId)).slice(mark).filter((request) => request.route === 'users-me')
          .length;

      for (let revocation = 1; revocation <= forcedRefreshes; revocation++) {
        const before = (await refreshesReceived(shared)).length;
        await emulator.revokeAccessTokens(emulatorClient.clientId);
        await expect
          .poll(async () => (await refreshesReceived(shared)).length, { timeout: 30_000 })
          .toBeGreaterThan(before);
        // The next revocation once a call went out with this refresh's token: each need is met before the next.
        const newest = (await emulator.accessTokens(emulatorClient.clientId)).at(-1)?.token;
        await expect
          .poll(
            async () =>
              (await emulator.requests(emulatorClient.clientId)).some(
                (request) => request.route === 'users-me' && request.headers.authorization === `Bearer ${newest}`,
              ),
            { timeout: 30_000 },
          )
          .toBe(true);
      }
      // Every holder goes on serving with the last token before they stop.
      const lastRefresh = (await emulator.requests(emulatorClient.clientId)).length;
      await expect.poll(() => callsSince(lastRefresh), { timeout: 30_000 }).toBeGreaterThan(6);
      for (const holder of holders) holder.tell('stop');
      const summaries = await Promise.all(holders.map((holder) => holder.result<LoopSummary>()));

      const sent = (await refreshesReceived(shared)).map((request) => fingerprint(request.form?.refresh_token ?? ''));
      const issued = await emulator.refreshTokens(emulatorClient.clientId);
      expect(sent, 'one refresh per revocation').toHaveLength(forcedRefreshes);
      expect(
        sent,
        'each refresh sent the refresh token the one before it received (none rotated out, none twice)',
      ).toEqual(issued.slice(0, -1).map((token) => fingerprint(token.token)));
      expect(new Set(sent).size).toBe(sent.length);
      const live = issued.at(-1);
      expect(live?.active && live.current, 'the grant is alive').toBe(true);
      const stored = await storedGrant(shared);
      expect(stored?.record.state).toBe('ok');
      expect(stored?.version, 'one version per refresh').toBe(first.version + forcedRefreshes);
      expect(fingerprint(stored?.record.refreshToken ?? ''), 'the store holds the live refresh token').toBe(
        fingerprint(live?.token ?? '-'),
      );
      for (const summary of summaries) {
        expect(summary.failures, 'every call of every holder was served').toEqual([]);
        expect(summary.succeeded).toBeGreaterThan(0);
      }
      test.info().annotations.push({
        type: 'figures',
        description:
          `${forcedRefreshes} refreshes, ${summaries.map((summary) => summary.succeeded).join(' + ')} calls served ` +
          `by three holders, none failed; the emulator received no rotated-out refresh token`,
      });
      const refreshedBy = summaries.map((summary) => summary.sources.refreshed ?? 0);
      expect(
        refreshedBy.reduce((a, b) => a + b, 0),
        'the refreshes the holders say they sent are the ones received',
      ).toBe(forcedRefreshes);
    });

    test('invalid_grant marks the grant needs-reauth; then every holder fails at once saying authorize again, sending nothing; a new grant clears it', async ({
      emulator,
      emulatorClient,
    }) => {
      const shared = await sharedGrant(backend, emulator, emulatorClient);
      const first = await authorize(shared);
      // Someone outside the store refreshes with the stored token: the store's token is rotated out.
      const response = await fetch(`${emulator.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${emulatorClient.clientId}:${emulatorClient.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.record.refreshToken ?? '' }),
      });
      expect(response.status).toBe(200);

      const refused = await startHolder(shared, { mode: 'once', rejectStored: true }).result();
      expect(refused).toMatchObject({ error: { name: 'GrantHolderError', code: 'GRANT_NEEDS_REAUTH', version: 2 } });
      const stored = await storedGrant(shared);
      expect(stored).toMatchObject({
        version: 2,
        record: { state: 'needs-reauth', refreshToken: null, accessToken: null },
      });
      const received = (await emulator.requests(emulatorClient.clientId)).length;

      const others = await Promise.all(
        [true, false, false].map((rejectStored) => startHolder(shared, { mode: 'once', rejectStored }).result()),
      );
      for (const outcome of others) {
        expect(outcome).toMatchObject({ error: { code: 'GRANT_NEEDS_REAUTH', version: 2 } });
        if ('error' in outcome) {
          expect(outcome.error.message).toContain(`the grant "${shared.grant}"`);
          expect(outcome.error.message).toContain('What to do: authorize again');
          expect(outcome.error.message).toContain('npx playwright test --project=authorize');
        }
      }
      expect((await emulator.requests(emulatorClient.clientId)).length, 'nobody sent anything').toBe(received);

      const fresh = await authorize(shared);
      expect(fresh).toMatchObject({ version: 3, record: { state: 'ok' } });
      const after = await startHolder(shared, { mode: 'once' }).result();
      expect(after).toMatchObject({ source: 'stored', version: 3 });
    });
  });
}

test('a Redis that hangs (SIGSTOP): a holder due to refresh sends nothing to GoTo and fails naming host:port, never the password; once it answers, the next holder refreshes once', async ({
  emulator,
  emulatorClient,
}) => {
  const server = await startRedis();
  try {
    const shared = await sharedGrant('redis', emulator, emulatorClient, { GOTO_GRANT_STORE: server.url });
    await authorize(shared);
    // Every stored token counts as too old: each holder is due to refresh.
    const due = { mode: 'once', timings: { minValidityMs: 2 * 3_600_000 } } as const;
    const received = (await emulator.requests(emulatorClient.clientId)).length;
    process.kill(server.pid, 'SIGSTOP');
    let outcome: OnceResult;
    try {
      outcome = await startHolder(shared, { ...due, storeTimeouts: { connectMs: 1_500, commandMs: 1_500 } }).result();
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(outcome).toMatchObject({
      error: { name: 'GrantStoreError', code: 'GRANT_STORE_TIMEOUT', address: `127.0.0.1:${server.port}` },
    });
    if ('error' in outcome) {
      expect(outcome.error.message).toContain(`Redis at 127.0.0.1:${server.port}`);
      expect(outcome.error.message).toContain('nothing is sent to GoTo while the store does not answer');
      expect(outcome.error.message).not.toContain(testServerPassword);
    }
    expect((await emulator.requests(emulatorClient.clientId)).length, 'GoTo received nothing').toBe(received);

    expect(await startHolder(shared, due).result()).toMatchObject({ source: 'refreshed', version: 2 });
    expect(await refreshesReceived(shared), 'one refresh, once the store answered').toHaveLength(1);
  } finally {
    await server.stop();
  }
});
