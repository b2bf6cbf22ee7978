import path from 'node:path';
import { getWebinarRequest, listWebinarsRequest } from '../../requests';
import { expect, sendRequest, test, type EmulatorControl, type Sandbox } from './fixtures';
import { localRateLimiter, SlotBook } from '../../lib/http/rate-limit';
import { remoteRateLimiter, startRateLimitService } from '../../lib/http/rate-limit-service';
import { runCollection } from './helpers/run-collection';

/*
 * GoTo allows 10 requests per second per API (docs/goto-facts.md §5e). The collection keeps
 * to it across the run's workers with one limiter in the runner (lib/http/rate-limit.ts,
 * rate-limit-service.ts), and these tests look at what the emulator received: the times it
 * recorded, never how long the test took.
 */

const limit = { requests: 10, perMs: 1000 };

/** The most requests the emulator received in any window of `perMs`. */
function mostInAnyWindow(times: number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= perMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function signedIn(sandbox: Sandbox, emulator: EmulatorControl) {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  const { access_token: accessToken } = await sandbox.chain.exchangeCode({ code });
  const api = { apiBaseUrl: emulator.baseUrl, accessToken, organizerKey: sandbox.client.user.organizerKey };
  const now = Date.now();
  const list = await sendRequest(
    listWebinarsRequest({ ...api, fromTime: new Date(now - 864e5 * 90), toTime: new Date(now + 864e5 * 90) }),
  );
  return { api, webinarKey: list.body._embedded?.webinars[0]?.webinarKey ?? '' };
}

async function webinarTimes(emulator: EmulatorControl, sandbox: Sandbox): Promise<number[]> {
  return (await emulator.requests(sandbox.client.clientId))
    .filter((request) => request.route === 'webinar')
    .map((request) => Date.parse(request.at));
}

test.describe('the slot rule', () => {
  test('a slot stays taken for perMs after its answer: the eleventh waits for the first answer, then perMs', async () => {
    // The book's clock is the test's: it moves only when the test moves it.
    let clock = 0;
    let looks = 0;
    const book = new SlotBook(() => {
      looks += 1;
      return clock;
    });
    const limiter = localRateLimiter(book);
    const limit = { requests: 10, perMs: 200 };
    const releases = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire('k', limit)));
    let granted = false;
    const eleventh = limiter.acquire('k', limit).then((release) => {
      granted = true;
      return release;
    });

    await new Promise((resolve) => setImmediate(resolve));
    expect(granted, 'ten slots held: the eleventh waits').toBe(false);
    clock = 1_000;
    await releases[0]?.();
    clock = 1_199;
    const looked = looks;
    await expect.poll(() => looks, { message: 'the book looks at its clock again' }).toBeGreaterThan(looked);
    expect(granted, '1 ms short of perMs after the first answer, the eleventh still waits').toBe(false);
    clock = 1_200;
    await (
      await eleventh
    )();

    for (const release of releases.slice(1)) await release();
  });

  test('requests that wait are granted in the order they asked', async () => {
    const limiter = localRateLimiter();
    const first = await limiter.acquire('k', { requests: 1, perMs: 10 });
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      limiter.acquire('k', { requests: 1, perMs: 10 }).then(async (release) => {
        order.push(n);
        await release();
      }),
    );

    await first();
    await Promise.all(waiting);

    expect(order).toEqual([1, 2, 3]);
  });

  test('keys do not share slots: another API or another token is not held up', async () => {
    const limiter = localRateLimiter();
    const held = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire('G2W as a', limit)));

    const other = await Promise.race([
      limiter.acquire('G2W as b', limit).then(() => 'granted'),
      new Promise((resolve) => setImmediate(() => resolve('waiting'))),
    ]);

    expect(other).toBe('granted');
    for (const release of held) await release();
  });
});

test.describe('the shared limiter', () => {
  test('four clients of one limiter sending 32 calls at once: the emulator never receives more than 10 in a second', async ({
    sandbox,
    emulator,
  }) => {
    // 32 calls at 10 a second take 3 s on a quiet machine; a loaded one answers each far slower.
    test.setTimeout(5 * 60_000);
    const { api, webinarKey } = await signedIn(sandbox, emulator);
    const service = await startRateLimitService();
    try {
      // Four workers: four clients of the one service, each with its own connections.
      const clients = Array.from({ length: 4 }, () => remoteRateLimiter(service.url));

      await Promise.all(
        clients.flatMap((limiter) =>
          Array.from({ length: 8 }, () => sendRequest(getWebinarRequest({ ...api, webinarKey }), { limiter })),
        ),
      );
    } finally {
      await service.close();
    }

    const times = await webinarTimes(emulator, sandbox);
    expect(times).toHaveLength(32);
    expect(mostInAnyWindow(times, 1000)).toBeLessThanOrEqual(10);
  });

  test('without it all 32 calls reach the emulator before the first is answered: the check above has teeth', async ({
    sandbox,
    emulator,
  }) => {
    const { api, webinarKey } = await signedIn(sandbox, emulator);
    // Every answer is held until released: what arrives meanwhile arrived before any answer.
    await emulator.addFault(sandbox.client.clientId, { route: 'webinar', holdMs: 120_000, times: 32 });

    const calls = Promise.all(Array.from({ length: 32 }, () => sendRequest(getWebinarRequest({ ...api, webinarKey }))));

    // The limiter would let 10 through, then wait for an answer.
    await expect.poll(async () => (await webinarTimes(emulator, sandbox)).length, { timeout: 60_000 }).toBe(32);
    expect(await emulator.releaseHeld(sandbox.client.clientId), 'none was answered yet').toBe(32);
    await calls;
  });

  test('a playwright run of 4 workers × 8 calls through the collection’s sender keeps to 10 in any second', async ({
    sandbox,
    emulator,
  }, testInfo) => {
    test.setTimeout(5 * 60_000);
    const { api, webinarKey } = await signedIn(sandbox, emulator);

    const run = await runCollection(
      {
        BURST_API_BASE_URL: api.apiBaseUrl,
        BURST_ACCESS_TOKEN: api.accessToken,
        BURST_ORGANIZER_KEY: api.organizerKey,
        BURST_WEBINAR_KEY: webinarKey,
        BURST_WORKERS: '4',
        BURST_CALLS: '8',
      },
      [
        '--config',
        path.join('tests', 'self-test', 'helpers', 'rate-limit-run', 'playwright.config.ts'),
        '--workers=4',
        `--output=${testInfo.outputPath('run')}`,
      ],
    );

    expect(run.exitCode, run.output).toBe(0);
    const times = await webinarTimes(emulator, sandbox);
    expect(times).toHaveLength(32);
    expect(mostInAnyWindow(times, 1000)).toBeLessThanOrEqual(10);
  });

  test('a limiter that cannot be reached fails the step before anything is sent, saying where it was', async ({
    sandbox,
    emulator,
  }) => {
    // 32 calls at 10 a second take 3 s on a quiet machine; a loaded one answers each far slower.
    test.setTimeout(5 * 60_000);
    const { api, webinarKey } = await signedIn(sandbox, emulator);
    const service = await startRateLimitService();
    await service.close();

    const error = await sendRequest(getWebinarRequest({ ...api, webinarKey }), {
      limiter: remoteRateLimiter(service.url),
    }).catch((e: unknown) => e);

    expect((error as Error).message).toContain(`The run's rate limiter at ${service.url} did not give a slot`);
    expect(await webinarTimes(emulator, sandbox), 'nothing reached GoTo').toEqual([]);
  });
});
