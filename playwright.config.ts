import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { findFreePortSync } from './fixtures/free-port';
import { chooseChromium } from './fixtures/chromium';
import { envFilePath, loadSettings, readEnvValues, resolveTarget } from './fixtures/settings';
import { vercelSyncPlan } from './fixtures/vercel-sync';

/**
 * Two targets (README, "Targets"):
 * - `emulator`: the whole chain against the built-in GoTo emulator, started here with
 *   `webServer` on a free port, writing to a scratch env file unless GOTO_ENV_FILE is set;
 *   the self-tests run too.
 * - `goto`: the daily chain against the configured hosts, reading and writing GOTO_ENV_FILE.
 * The user's env file is read here only to choose the target when GOTO_TARGET is unset.
 */
const outputDir = path.resolve('test-results');

// `npm test` tests this project: always on the emulator, never reading or writing the
// user's env file, whatever GOTO_* the shell holds.
if (process.env.npm_lifecycle_event === 'test' && !process.env.GOTO_RUNNER_EMULATOR_URL) {
  process.env.GOTO_TARGET = 'emulator';
  process.env.GOTO_ENV_FILE = '';
}
const target = resolveTarget(process.env, process.env.GOTO_TARGET ? {} : readEnvValues(envFilePath(process.env)));
const onEmulator = target === 'emulator';

// This file is evaluated again in every worker; the values chosen in the runner process
// reach the workers (and the emulator) through the environment they inherit.
if (onEmulator && !process.env.GOTO_RUNNER_EMULATOR_URL) {
  const url = `http://127.0.0.1:${findFreePortSync()}`;
  Object.assign(process.env, {
    GOTO_RUNNER_EMULATOR_URL: url,
    GOTO_EMULATOR_URL: url,
    GOTO_TARGET: 'emulator',
    // Empty: the chain writes to a scratch file in the output folder (fixtures/index.ts).
    GOTO_ENV_FILE: process.env.GOTO_ENV_FILE || '',
    GOTO_AUTH_BASE_URL: url,
    GOTO_API_BASE_URL: url,
    // A client made up for this run; the emulator registers it at start (emulator/main.ts).
    GOTO_CLIENT_ID: randomUUID(),
    GOTO_CLIENT_SECRET: randomBytes(16).toString('base64'),
    GOTO_REDIRECT_URI: 'https://app.example.com/callback',
  });
}
const emulatorUrl = process.env.GOTO_RUNNER_EMULATOR_URL ?? '';

// Browser steps use Playwright's Chromium where installed, else the system's (CHROMIUM_PATH
// or a usual path); with none, they fail with advice (fixtures/chromium.ts).
const chromiumChoice = chooseChromium();
const browser = {
  browserName: 'chromium' as const,
  ...(chromiumChoice.kind === 'system' ? { launchOptions: { executablePath: chromiumChoice.executablePath } } : {}),
};

// The authorize project needs a person at GoTo, so against GoTo it runs only when asked
// for (`--project=authorize`, or picked in UI mode). Decided in the runner process and
// handed to the workers, which must see the same projects.
process.env.GOTO_RUNNER_AUTHORIZE ??= String(
  onEmulator || process.argv.includes('--ui') || process.argv.some((arg, i, args) => arg === '--project=authorize' || (arg === '--project' && args[i + 1] === 'authorize')),
);
const loginTimeoutMs = onEmulator ? 0 : safeLoginTimeout();

const authorize: NonNullable<PlaywrightTestConfig['projects']> = process.env.GOTO_RUNNER_AUTHORIZE === 'true'
  ? [
      {
        name: 'authorize',
        testMatch: 'authorize/*.spec.ts',
        // On the emulator it runs after the chain, so both may share one env file.
        dependencies: onEmulator ? ['vercel'] : [],
        // Against GoTo a person logs in, for up to GOTO_LOGIN_TIMEOUT.
        timeout: onEmulator ? 30_000 : loginTimeoutMs + 60_000,
        use: { ...browser, headless: onEmulator },
      },
    ]
  : [];

// Against GoTo without a code to exchange, the daily chain starts at `refresh`: leaving the
// `exchange` project out saves a worker start (each project runs in workers of its own).
const withExchange = onEmulator || process.argv.includes('--ui') || codeConfigured();
const chain: NonNullable<PlaywrightTestConfig['projects']> = [
  ...(onEmulator ? [{ name: 'emulator-login', testMatch: 'collection/emulator-login.setup.ts' }] : []),
  ...(withExchange
    ? [{ name: 'exchange', testMatch: 'collection/exchange.spec.ts', dependencies: onEmulator ? ['emulator-login'] : [] }]
    : []),
  { name: 'refresh', testMatch: 'collection/refresh.spec.ts', dependencies: withExchange ? ['exchange'] : [] },
  { name: 'api', testMatch: 'collection/api-checks.spec.ts', dependencies: ['refresh'] },
  // The last step of the first-time workflow, when Vercel is configured (README, "Vercel").
  ...(onEmulator || process.argv.includes('--ui') || vercelConfigured()
    ? [{ name: 'vercel', testMatch: 'collection/vercel-sync.spec.ts', dependencies: ['api'] }]
    : []),
];

export default defineConfig({
  testDir: './tests',
  outputDir,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: 4,
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ['./reporters/summary-reporter.ts'],
  ],
  use: {
    // Safe to keep: requests go through Node's fetch, so traces hold only step titles and
    // the redacted attachments (fixtures/send-request.ts).
    trace: 'retain-on-failure',
  },
  globalSetup: onEmulator ? undefined : './fixtures/global-setup.ts',
  projects: [
    ...chain,
    ...authorize,
    ...(onEmulator ? [{ name: 'self-test', testMatch: 'self-test/**/*.spec.ts', use: browser }] : []),
  ],
  webServer: onEmulator
    ? {
        command: `node -r ts-node/register/transpile-only emulator/main.ts --port ${new URL(emulatorUrl).port}`,
        url: `${emulatorUrl}/__emulator/health`,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
        timeout: 30_000,
      }
    : undefined,
});

/** GOTO_LOGIN_TIMEOUT for the project timeout; an invalid one is reported by the test itself. */
function safeLoginTimeout(): number {
  try {
    return loadSettings().loginTimeoutMs;
  } catch {
    return 5 * 60_000;
  }
}

/** Whether the Vercel sync is on; when its settings are invalid, its step says why. */
function vercelConfigured(): boolean {
  try {
    return vercelSyncPlan().status === 'on';
  } catch {
    return true;
  }
}

/** Whether GOTO_AUTH_CODE holds a code; when the settings are invalid, global setup says why. */
function codeConfigured(): boolean {
  try {
    return loadSettings().authCode !== undefined;
  } catch {
    return true;
  }
}
