import { chmod, chown, copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { EnvFileError, expect, readEnvValues, stepCustody, test, type EmulatorControl, type Sandbox } from './fixtures';
import {
  runCollection,
  startCollection,
  type CollectionOptions,
  type CollectionProcess,
} from './helpers/run-collection';
import { TokenChain } from '../../lib/chain/token-chain';
import { custodians, signalDelivered } from './helpers/custodians';

/*
 * One grant, never lost (lib/custody/token-custody.ts): against an emulator that rotates the
 * refresh token on every refresh and revokes the whole grant when a rotated-out one comes
 * back (RFC 9700 §4.14.2), whole `playwright test` runs share one env file, meet an env file
 * they cannot write, and are stopped while GoTo's answer is on its way.
 */
test.describe.configure({ timeout: 10 * 60_000 });
/** How long a poll waits for whole `playwright test` runs to get where it looks: conditions, not budgets. */
const untilThereOnABusyMachine = 5 * 60_000;

const running = new Set<CollectionProcess>();
test.afterEach(() => {
  for (const run of running) run.signal('SIGKILL', 'group');
  running.clear();
});

function start(env: Sandbox['env'], output: string, options: CollectionOptions = {}): CollectionProcess {
  const run = startCollection(env, ['--reporter=line', `--output=${output}`], options);
  running.add(run);
  return run;
}

/** A sandbox after its first authorization, on a server that rotates and detects reuse. */
async function strictServer(sandbox: Sandbox, emulator: EmulatorControl): Promise<void> {
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh', reuseDetection: true });
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
}

async function refreshesReceived(emulator: EmulatorControl, sandbox: Sandbox) {
  return (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.route === 'token' && request.form?.grant_type === 'refresh_token',
  );
}

/** The grant is alive, exactly one refresh token works, the env file holds it, and no refresh token was ever sent twice. */
async function expectGrantKept(emulator: EmulatorControl, sandbox: Sandbox, envFile = sandbox.envFile): Promise<void> {
  const sent = (await refreshesReceived(emulator, sandbox)).map((request) => request.form?.refresh_token);
  expect(new Set(sent).size, 'no refresh token was sent twice').toBe(sent.length);
  const live = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active);
  expect(live, 'exactly one refresh token still works: the grant was never revoked').toHaveLength(1);
  expect(readEnvValues(envFile).GOTO_REFRESH_TOKEN === live[0]?.token, 'and the env file holds it').toBe(true);
}

/** mulberry32: a small PRNG whose whole state is its seed, so a sequence of draws can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function expectNoSecretIn(output: string, secrets: Array<string | undefined>): void {
  const shown = secrets.filter((secret): secret is string => !!secret && output.includes(secret));
  expect(shown.length, 'the output shows no secret').toBe(0);
}

test.describe('runs that share one env file', () => {
  test('three runs started together refresh once: the others wait for it, say so, and use its tokens', async ({
    sandbox,
    emulator,
  }, testInfo) => {
    await strictServer(sandbox, emulator);
    // The first refresh's answer waits until all three runs are in, so they surely overlap.
    await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });

    const runs = [1, 2, 3].map((n) => start(sandbox.env, testInfo.outputPath(`run-${n}`)));
    await expect
      .poll(async () => (await refreshesReceived(emulator, sandbox)).length, { timeout: untilThereOnABusyMachine })
      .toBe(1);
    await expect
      .poll(() => runs.filter((run) => run.output().includes('Waiting for another run')).length, {
        timeout: untilThereOnABusyMachine,
      })
      .toBe(2);
    await emulator.releaseHeld(sandbox.client.clientId);
    const results = await Promise.all(runs.map((run) => run.done));

    for (const result of results) expect(result.exitCode, result.output).toBe(0);
    expect(await refreshesReceived(emulator, sandbox), 'one refresh for the three runs').toHaveLength(1);
    const waited = results.filter((result) => result.output.includes('this run uses it and sent nothing'));
    expect(waited, 'the two that waited used the token the first one stored').toHaveLength(2);
    expect(waited[0]?.output).toMatch(
      new RegExp(
        `is locked by process \\d+ on ${hostname()} \\(refresh the access token, since \\d\\d:\\d\\d:\\d\\d UTC\\)`,
      ),
    );
    await expectGrantKept(emulator, sandbox);
  });

  test('four runs started a moment apart all pass, each refreshing with the token the one before stored', async ({
    sandbox,
    emulator,
  }, testInfo) => {
    await strictServer(sandbox, emulator);
    // Staggered by a few hundred milliseconds, as a cron job and a person would be: drawn from
    // a seed that is printed, so that STAGGER_SEED=<seed> replays a failure's delays.
    const seed = Number(process.env.STAGGER_SEED ?? randomInt(2 ** 31));
    const replay = `stagger seed ${seed}: STAGGER_SEED=${seed} replays these delays`;
    testInfo.annotations.push({ type: 'seed', description: replay });
    console.log(replay);
    const draw = seededRandom(seed);
    const delaysMs = [1, 2, 3, 4].map(() => Math.round(150 + draw() * 300));

    const runs: CollectionProcess[] = [];
    for (const [n, delayMs] of delaysMs.entries()) {
      runs.push(start(sandbox.env, testInfo.outputPath(`run-${n + 1}`)));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    const results = await Promise.all(runs.map((run) => run.done));

    for (const result of results) expect(result.exitCode, `${replay}\n${result.output}`).toBe(0);
    await test.step(`the grant is kept (${replay})`, () => expectGrantKept(emulator, sandbox));
  });

  test('a run gives up waiting after GOTO_LOCK_TIMEOUT, naming the env file and the holder, having sent nothing', async ({
    sandbox,
    emulator,
    send,
  }, testInfo) => {
    await strictServer(sandbox, emulator);
    const before = await readFile(sandbox.envFile);
    const sentBefore = (await refreshesReceived(emulator, sandbox)).length;
    // A live holder: this test's own process, as another run would be.
    const holder = {
      pid: process.pid,
      host: hostname(),
      created: Date.now(),
      token: 'other-run',
      purpose: 'refresh the access token',
    };
    await writeFile(`${sandbox.envFile}.lock`, JSON.stringify(holder));
    const chain = new TokenChain(send, { ...sandbox.env, GOTO_LOCK_TIMEOUT: '2s' }, { custody: stepCustody(testInfo) });

    const error = await chain.refresh().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EnvFileError);
    expect((error as EnvFileError).code).toBe('ENV_FILE_LOCKED');
    expect((error as EnvFileError).message).toContain(
      `${JSON.stringify(sandbox.envFile)} is locked by process ${process.pid} on ${hostname()} (refresh the access token`,
    );
    expect((error as EnvFileError).message).toContain(
      'stayed locked for 2 s; the file was left unchanged and nothing was sent',
    );
    expect((await readFile(sandbox.envFile)).equals(before), 'the env file is byte-identical').toBe(true);
    expect(await refreshesReceived(emulator, sandbox), 'nothing was sent').toHaveLength(sentBefore);
  });
});

/** Root ignores file permissions: those tests run the collection as a user that has none. */
const isRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };

/** A folder with an env file holding the sandbox's settings and tokens; each owned by the run's user or by another. */
async function envFileFor(sandbox: Sandbox, folder: string, owner: { folder: 'run' | 'other'; file: 'run' | 'other' }) {
  await mkdir(folder, { recursive: true });
  const envFile = join(folder, '.env');
  await copyFile(sandbox.envFile, envFile);
  await chmod(envFile, owner.file === 'run' ? 0o600 : 0o644);
  if (isRoot) {
    if (owner.folder === 'run') await chown(folder, nobody.uid, nobody.gid);
    if (owner.file === 'run') await chown(envFile, nobody.uid, nobody.gid);
    await chmod(folder, 0o755);
  } else {
    // The same situation for a user that is not root: what is not "the run's" is read-only.
    await chmod(folder, owner.folder === 'run' ? 0o755 : 0o555);
    if (owner.file === 'other') await chmod(envFile, 0o444);
  }
  return envFile;
}

/** Where a run as another user may write its results, and how to start it as that user. */
async function runAs(
  testInfo: { outputPath: (name: string) => string },
  name: string,
): Promise<{ output: string; options: CollectionOptions }> {
  // Playwright empties its output folder by removing it, so the user must own the folder above.
  const own = testInfo.outputPath(name);
  const home = join(own, 'home');
  await mkdir(home, { recursive: true });
  const output = join(own, 'results');
  if (!isRoot) return { output, options: {} };
  await chown(own, nobody.uid, nobody.gid);
  await chown(home, nobody.uid, nobody.gid);
  return { output, options: { user: { ...nobody, home } } };
}

test.describe('an env file the run cannot write', () => {
  for (const { title, owner, cause } of [
    { title: 'in a folder it may not write', owner: { folder: 'other', file: 'other' } as const, cause: 'EACCES' },
    { title: 'that belongs to another user', owner: { folder: 'run', file: 'other' } as const, cause: 'EACCES' },
  ]) {
    test(`fails before sending anything, naming the file, the cause and what to do, when the env file is ${title}`, async ({
      sandbox,
      emulator,
    }, testInfo) => {
      await strictServer(sandbox, emulator);
      const envFile = await envFileFor(sandbox, testInfo.outputPath('locked'), owner);
      const before = await readFile(envFile);
      const sentBefore = (await refreshesReceived(emulator, sandbox)).length;
      const { output, options } = await runAs(testInfo, 'run');

      const result = await start({ ...sandbox.env, GOTO_ENV_FILE: envFile }, output, options).done;

      expect(result.exitCode, result.output).not.toBe(0);
      expect(result.output).toContain(
        `Step "refresh the access token" did not start: ${JSON.stringify(envFile)} cannot be written`,
      );
      expect(result.output).toContain(`cannot be written (${cause}: this user may not write there)`);
      expect(result.output).toContain('Nothing was sent, so the tokens in it still work.');
      expect(result.output).toMatch(/What to do: make ".*locked" and the env file writable for this user/);
      expect(await refreshesReceived(emulator, sandbox), 'the emulator received no token request').toHaveLength(
        sentBefore,
      );
      expect((await readFile(envFile)).equals(before), 'the env file is byte-identical').toBe(true);
      expectNoSecretIn(result.output, [sandbox.client.clientSecret, ...Object.values(readEnvValues(envFile))]);
    });
  }

  test('an answer that cannot be written goes to a recovery file beside it, which the next run moves into the env file and deletes', async ({
    sandbox,
    emulator,
  }, testInfo) => {
    await strictServer(sandbox, emulator);
    const folder = testInfo.outputPath('env');
    const envFile = await envFileFor(sandbox, folder, { folder: 'run', file: 'run' });
    const env = { ...sandbox.env, GOTO_ENV_FILE: envFile };
    const before = await readFile(envFile);
    await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });
    const first = await runAs(testInfo, 'run-1');

    const run = start(env, first.output, first.options);
    await expect
      .poll(async () => (await refreshesReceived(emulator, sandbox)).length, { timeout: untilThereOnABusyMachine })
      .toBe(1);
    // The request has left; now the folder turns read-only (as a full disk would refuse the write).
    await chmod(folder, 0o555);
    await emulator.releaseHeld(sandbox.client.clientId);
    const failed = await run.done;

    const recoveryFile = `${envFile}.recovery`;
    expect(failed.exitCode, failed.output).not.toBe(0);
    expect(failed.output).toContain(`got its answer, but ${JSON.stringify(envFile)} could not be written (EACCES)`);
    expect(failed.output).toContain(`The tokens are safe in the recovery file ${JSON.stringify(recoveryFile)}`);
    expect((await readFile(envFile)).equals(before), 'the env file is as it was').toBe(true);
    expect((await stat(recoveryFile)).mode & 0o777, 'only its owner can read the recovery file').toBe(0o600);
    const rotated = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active)[0]?.token;
    expect(
      parse(await readFile(recoveryFile)).GOTO_REFRESH_TOKEN === rotated,
      'it holds the rotated refresh token',
    ).toBe(true);
    expectNoSecretIn(failed.output, [rotated, sandbox.client.clientSecret]);

    await chmod(folder, 0o755);
    const second = await runAs(testInfo, 'run-2');
    const next = await start(env, second.output, second.options).done;

    expect(next.exitCode, next.output).toBe(0);
    expect(next.output).toContain(`Recovered GOTO_ACCESS_TOKEN, GOTO_ACCESS_TOKEN_EXPIRES_AT, GOTO_REFRESH_TOKEN`);
    const refreshes = await refreshesReceived(emulator, sandbox);
    expect(
      refreshes.at(-1)?.form?.refresh_token === rotated,
      'the next run refreshed with the recovered refresh token',
    ).toBe(true);
    await expect(stat(recoveryFile), 'the recovery file is gone').rejects.toThrow(/ENOENT/);
    await expectGrantKept(emulator, sandbox, envFile);
  });
});

test.describe('a run stopped while GoTo’s answer is on its way', () => {
  for (const { title, signals } of [
    { title: 'Ctrl-C (SIGINT to the run’s process group)', signals: [['SIGINT', 'group']] as const },
    {
      title: 'a CI cancel (SIGINT, SIGTERM, then SIGKILL to the process group)',
      signals: [
        ['SIGINT', 'group'],
        ['SIGTERM', 'group'],
        ['SIGKILL', 'group'],
      ] as const,
    },
    { title: 'SIGTERM to the runner alone', signals: [['SIGTERM', 'runner']] as const },
  ]) {
    test(`after ${title}, the env file gets the rotated token and the next run passes`, async ({
      sandbox,
      emulator,
    }, testInfo) => {
      await strictServer(sandbox, emulator);
      const before = readEnvValues(sandbox.envFile);
      await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });

      const run = start(sandbox.env, testInfo.outputPath('stopped'));
      await expect
        .poll(async () => (await refreshesReceived(emulator, sandbox)).length, { timeout: untilThereOnABusyMachine })
        .toBe(1);
      for (const [signal, to] of signals) run.signal(signal, to);
      const stopped = await run.done;
      // Whatever is left of the run: gone too, as at the end of a CI job.
      run.signal('SIGKILL', 'group');
      // Only now does the server let its answer go.
      await emulator.releaseHeld(sandbox.client.clientId);

      expect(stopped.exitCode, `the run was stopped: ${stopped.output}`).not.toBe(0);
      await expect
        .poll(() => readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN !== before.GOTO_REFRESH_TOKEN, {
          timeout: untilThereOnABusyMachine,
        })
        .toBe(true);
      await expect
        .poll(
          async () =>
            stat(`${sandbox.envFile}.lock`).then(
              () => 'locked',
              () => 'released',
            ),
          { timeout: untilThereOnABusyMachine },
        )
        .toBe('released');
      await expectGrantKept(emulator, sandbox);

      const next = await runCollection(sandbox.env, ['--reporter=line', `--output=${testInfo.outputPath('next')}`]);

      expect(next.exitCode, next.output).toBe(0);
      await expectGrantKept(emulator, sandbox);
    });
  }
});

test.describe('a signal sent to the custodian itself while GoTo’s answer is on its way', () => {
  // The run's signals never reach the custodian (a session of its own); these are sent to it
  // by pid, as `kill` or a system shutting processes down would.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} to the custodian holding the refresh does not stop it: the env file gets the rotated token`, async ({
      sandbox,
      emulator,
    }, testInfo) => {
      await strictServer(sandbox, emulator);
      await emulator.addFault(sandbox.client.clientId, { route: 'token', holdMs: 120_000 });
      const run = start(sandbox.env, testInfo.outputPath('run'));
      await expect
        .poll(async () => (await refreshesReceived(emulator, sandbox)).length, { timeout: untilThereOnABusyMachine })
        .toBe(1);
      // The process holding the env file's lock is the one whose request has left.
      const holder = (JSON.parse(await readFile(`${sandbox.envFile}.lock`, 'utf8')) as { pid: number }).pid;
      expect(
        (await custodians()).map((custodian) => custodian.pid),
        'the lock is held by a custodian',
      ).toContain(holder);

      process.kill(holder, signal);
      await expect.poll(() => signalDelivered(holder), { timeout: untilThereOnABusyMachine }).toBe(true);
      // Only now does the server let its answer go.
      await emulator.releaseHeld(sandbox.client.clientId);
      const result = await run.done;

      expect(result.exitCode, result.output).toBe(0);
      await expectGrantKept(emulator, sandbox);
    });
  }
});

test.describe('the custodian', () => {
  test('serves a worker’s token requests one after the other, waiting between them in one process', async ({
    sandbox,
    emulator,
  }) => {
    const mine = async () => (await custodians()).filter((custodian) => custodian.parentPid === process.pid);

    await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
    const waiting = await mine();
    expect(waiting, 'after the exchange, one custodian waits for the next request').toHaveLength(1);

    await sandbox.chain.refresh();

    expect(await mine(), 'the same one served the refresh, and waits again').toEqual(waiting);
  });

  test('ends with the run that started it, leaving no process behind', async ({ sandbox, emulator }, testInfo) => {
    await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });

    const run = await runCollection(sandbox.env, ['--reporter=line', `--output=${testInfo.outputPath('run')}`]);

    expect(run.exitCode, run.output).toBe(0);
    expect((await refreshesReceived(emulator, sandbox)).length, 'the run refreshed through a custodian').toBe(1);
    await expect
      .poll(async () => (await custodians()).filter((custodian) => custodian.envFile === sandbox.envFile), {
        timeout: untilThereOnABusyMachine,
      })
      .toEqual([]);
  });
});
