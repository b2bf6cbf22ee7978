import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { chromium, defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { prepareSigningKey } from './emulator';
import { chooseChromium } from './lib/config/chromium';
import { prewarmCustodian } from './lib/custody/custodian-client';
import { planRun, type RunPlan } from './lib/config/run-plan';
import { readEnvValues } from './lib/env-file/env-reader';
import { collectionReporters } from './reporters/collection-reporters';

/**
 * The collection as one project, `collection`, whose files run in the order of their
 * numbers (10 tokens, 20 API checks, 30 webinar checks, 90 Vercel sync), on the target `planRun` picks:
 * - `emulator`: global setup starts the built-in GoTo emulator in the runner's process, on
 *   a port of 127.0.0.1 the system picks, with a client and a logged-in user made up for
 *   the run; tokens go to a scratch env file in the output folder;
 * - `goto`: the configured hosts, reading and writing GOTO_ENV_FILE.
 * `npm test` adds the project's own tests (`self-test`) and the browser login (`authorize`).
 * This file is evaluated in the runner and again in every worker: it reads the env file only
 * to pick the target, and sets in process.env only what the workers must inherit.
 */
// Workers must see the projects the runner saw, but not its arguments: they take its plan.
const inWorker = !!process.env.TEST_WORKER_INDEX && !!process.env.GOTO_RUNNER_PLAN;
const plan: RunPlan = inWorker
  ? (JSON.parse(process.env.GOTO_RUNNER_PLAN ?? '') as RunPlan)
  : planRun({ env: process.env, argv: process.argv, fileValues: envFileValues });

// A worker evaluates this file first of all: its token custodian (lib/custody/custodian-client.ts)
// starts now, and is ready by the time a test asks for a token.
if (inWorker) prewarmCustodian();

if (!inWorker) {
  // In the runner (and in UI mode once per run, as the config is loaded again for each).
  process.env.GOTO_RUNNER_PLAN = JSON.stringify(plan);
  process.env.GOTO_RUNNER_RUN_ID = randomUUID();
  // Forced for `npm test`; an invalid GOTO_TARGET stays as it is, for global setup to name it.
  if (plan.target === 'emulator') process.env.GOTO_TARGET = 'emulator';
  // `npm test` never reads or writes the user's env file.
  if (plan.selfTests) process.env.GOTO_ENV_FILE = '';
  // The built-in emulator's signing key is made while Playwright loads the test files, not in global setup.
  if (plan.target === 'emulator') prepareSigningKey();
}

// Browser steps use Playwright's Chromium where installed, else the system's (CHROMIUM_PATH
// or a usual path); with none, they fail with advice (lib/config/chromium.ts).
const chromiumChoice = chooseChromium(chromium.executablePath());
const browser = {
  browserName: 'chromium' as const,
  ...(chromiumChoice.kind === 'system' ? { launchOptions: { executablePath: chromiumChoice.executablePath } } : {}),
};
const onEmulator = plan.target === 'emulator';

const projects: NonNullable<PlaywrightTestConfig['projects']> = [
  // A check file runs in one worker, in order; files run side by side with --workers.
  // No trace: its tests are API calls, whose steps and redacted attachments the report
  // already shows, and recording one costs a fifth of a second per run.
  {
    name: 'collection',
    testMatch: 'collection/**/*.spec.ts',
    fullyParallel: false,
    // Checks that create and delete GoTo data run against GoTo only when `--grep @write` asks.
    ...(plan.writeChecks ? {} : { grepInvert: /@write/ }),
    use: { trace: 'off' },
  },
  ...(plan.authorize
    ? [
        {
          name: 'authorize',
          testMatch: 'authorize/*.spec.ts',
          // On the emulator it runs after the collection, so both may share one env file.
          dependencies: onEmulator && !plan.ui ? ['collection'] : [],
          // Against GoTo a person logs in, for up to GOTO_LOGIN_TIMEOUT (the test sets its own timeout).
          use: { ...browser, headless: onEmulator },
        },
      ]
    : []),
  ...(plan.selfTests
    ? [{ name: 'self-test', testMatch: 'self-test/**/*.spec.ts', fullyParallel: true, use: browser }]
    : []),
];

export default defineConfig({
  testDir: './tests',
  outputDir: path.resolve('test-results'),
  forbidOnly: !!process.env.CI,
  // The collection alone: Playwright's default (half the cores), fewest worker starts. The
  // project's own tests are many and mostly wait on processes and sockets.
  ...(plan.selfTests ? { workers: 4 } : {}),
  reporter: collectionReporters,
  use: {
    // Safe to keep: requests go through Node's fetch, so traces hold only step titles and
    // the redacted attachments (lib/http/send-request.ts).
    trace: 'retain-on-failure',
  },
  // Each target's global setup loads only what it needs: the runner waits for it before any worker starts.
  globalSetup: onEmulator ? './fixtures/emulator-setup.ts' : './fixtures/goto-setup.ts',
  projects,
});

/** The env file's values, to pick the target; none when it cannot be read (global setup then names the problem). */
function envFileValues(): Record<string, string> {
  try {
    return readEnvValues(path.resolve(process.env.GOTO_ENV_FILE || '.env'));
  } catch {
    return {};
  }
}
