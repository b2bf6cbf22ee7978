import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, stepCustody, test } from './fixtures';
import { TokenChain } from '../../lib/chain/token-chain';
import { repositoryRoot, userShellEnv } from './helpers/child-env';
import { copyCheckout } from './helpers/checkout-copy';
import { startCountingProxy } from './helpers/counting-proxy';

// The README promises that `npm test` never calls GoTo and never touches `.env`, and every
// real user's checkout has a `.env` holding a live grant. This runs the project's own tests
// that start child processes (UI mode, whole runs, scripts) in a copy of the checkout whose
// `.env` holds a live grant for a GoTo-compatible server of its own, and watches that server.
test.describe.configure({ timeout: 30 * 60_000 });

/** The self-tests that start other processes: UI mode, whole `playwright test` runs, the scripts. */
const CHILD_STARTERS = [
  'tests/self-test/ui-mode.spec.ts',
  'tests/self-test/daily-runs.spec.ts',
  'tests/self-test/status.spec.ts',
  'tests/self-test/scopes.spec.ts',
  'tests/self-test/ci-workflow.spec.ts',
];

/** `npm test`'s Playwright run, as npm starts it from a user's shell: no GOTO_* at all. */
function npmTestRun(cwd: string, files: string[]): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve('@playwright/test/cli'), 'test', ...files, '--reporter=list'],
      {
        cwd,
        env: { ...userShellEnv(), npm_lifecycle_event: 'test', CI: '', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

test('npm test in a checkout whose .env holds a live grant sends nothing to that grant’s server and leaves .env byte-identical', async ({
  emulator,
  emulatorClient,
  send,
}, testInfo) => {
  const server = await startCountingProxy(emulator.baseUrl);
  const checkout = await mkdtemp(path.join(tmpdir(), 'goto-token-runner-checkout-'));
  try {
    await copyCheckout(checkout);
    // The user's `.env`: their client, their server, and the tokens of a code they exchanged.
    const envFile = path.join(checkout, '.env');
    await writeFile(
      envFile,
      [
        '# GoTo OAuth client (https://developer.goto.com/)',
        `GOTO_CLIENT_ID=${emulatorClient.clientId}`,
        `GOTO_CLIENT_SECRET=${emulatorClient.clientSecret}`,
        `GOTO_REDIRECT_URI=${emulatorClient.redirectUris[0]}`,
        `GOTO_AUTH_BASE_URL=${server.url}`,
        `GOTO_API_BASE_URL=${server.url}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const userChain = new TokenChain(send, { GOTO_ENV_FILE: envFile }, { custody: stepCustody(testInfo) });
    await userChain.exchangeCode({ code: (await emulator.issueCode(emulatorClient.clientId)).code });
    const grant = await readFile(envFile);
    expect(grant.toString(), 'the user holds a live grant').toMatch(/^GOTO_REFRESH_TOKEN=./m);
    const receivedBefore = [...server.received];
    expect(receivedBefore, 'the exchange went to the user’s server').toEqual(['POST /oauth/token']);

    const run = await npmTestRun(checkout, ['tests/collection', 'tests/authorize', ...CHILD_STARTERS]);

    expect(run.exitCode, run.output).toBe(0);
    for (const file of CHILD_STARTERS) {
      expect(run.output, `the tests of ${file} ran and passed`).toMatch(new RegExp(`✓ .* › ${file}:`));
    }
    expect(run.output).not.toMatch(/\d+ (failed|flaky)/);
    expect(server.received, 'the user’s server received nothing from npm test').toEqual(receivedBefore);
    expect((await readFile(envFile)).equals(grant), 'the user’s .env is byte-identical').toBe(true);
  } finally {
    await server.close();
    await rm(checkout, { recursive: true, force: true });
  }
});

/**
 * The processes a self-test may start without `childEnv` (helpers/child-env.ts), each one
 * that never reads a GOTO_* setting or an env file.
 */
const STARTS_NO_RUN: Record<string, string> = {
  'tests/self-test/helpers/checkout-copy.ts': 'git ls-files, to copy the checkout',
  'tests/self-test/grant-store-env-file.spec.ts': 'node -e "", for a pid that is gone',
  'tests/self-test/helpers/workflow-stand-ins/npm.js': 'the real npm, inside a workflow run the harness started',
};

test('every self-test that starts a process gives it childEnv’s target and scratch env file, or starts one that reads neither', async () => {
  const files = (await readdir(path.join(repositoryRoot, 'tests'), { recursive: true }))
    .filter((file) => /\.(ts|js)$/.test(file))
    .map((file) => path.posix.join('tests', file.split(path.sep).join('/')));
  const starters: string[] = [];
  for (const file of files) {
    const source = await readFile(path.join(repositoryRoot, file), 'utf8');
    // Whatever it calls (spawn, a promisified execFile, a namespace's fork), it imports it first.
    if (/['"](node:)?child_process['"]/.test(source)) starters.push(file);
  }

  expect(starters, 'the scan finds the helpers that start child runs').toEqual(
    expect.arrayContaining([
      'tests/self-test/helpers/run-collection.ts',
      'tests/self-test/helpers/ui-mode.ts',
      'tests/self-test/broker-package.spec.ts',
    ]),
  );
  const unguarded = [];
  for (const file of starters) {
    const source = await readFile(path.join(repositoryRoot, file), 'utf8');
    if (!/\b(childEnv|userShellEnv)\(/.test(source) && !(file in STARTS_NO_RUN)) unguarded.push(file);
  }
  expect(unguarded, 'start processes with an environment of their own making').toEqual([]);
});
