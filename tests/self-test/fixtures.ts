import { writeFile } from 'node:fs/promises';
import { test as collectionTest } from '../../fixtures';
import { EmulatorControl, type EmulatorClient } from '../../emulator/control-client';
import type { Env } from '../../lib/config/env-target';
import { TokenChain } from '../../lib/chain/token-chain';
import { stepCustody } from '../../fixtures/step-custody';

/*
 * The project's own tests' entry: the collection's `test` with the emulator and a sandbox
 * of one's own, `expect`, and the names of the product (lib/) and the fixtures they test, so
 * a self-test reaches them one way and the collection's entry (fixtures/index.ts) holds only
 * what a check needs.
 */

/** A GoTo-compatible setup of its own for one test: an emulator client and an env file. */
export type Sandbox = {
  client: EmulatorClient;
  /** A real env file in the test's output folder, holding the client's settings. */
  envFile: string;
  /** The environment the chain sees: target `goto`, pointed at the emulator. */
  env: Env;
  chain: TokenChain;
};

type SelfTestFixtures = {
  /** A fresh OAuth client registered in the emulator for this test only (parallel-safe). */
  emulatorClient: EmulatorClient;
  sandbox: Sandbox;
};
type WorkerFixtures = {
  /** The control API of the built-in emulator, which global setup started (fixtures/emulator-setup.ts). */
  emulator: EmulatorControl;
};

export const test = collectionTest.extend<SelfTestFixtures, WorkerFixtures>({
  emulator: [
    async ({}, use) => {
      const url = process.env.GOTO_EMULATOR_URL;
      if (!url) throw new Error('GOTO_EMULATOR_URL is not set: this test needs the emulator (GOTO_TARGET=emulator)');
      await use(new EmulatorControl(url));
    },
    { scope: 'worker' },
  ],

  emulatorClient: async ({ emulator }, use) => {
    await use(await emulator.createClient());
  },

  sandbox: async ({ emulator, emulatorClient, send }, use, testInfo) => {
    const envFile = testInfo.outputPath('sandbox.env');
    await writeFile(
      envFile,
      [
        '# A sandbox env file for one test',
        `GOTO_CLIENT_ID=${emulatorClient.clientId}`,
        `GOTO_CLIENT_SECRET=${emulatorClient.clientSecret}`,
        `GOTO_REDIRECT_URI=${emulatorClient.redirectUris[0]}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const env: Env = {
      GOTO_TARGET: 'goto',
      GOTO_ENV_FILE: envFile,
      GOTO_AUTH_BASE_URL: emulator.baseUrl,
      GOTO_API_BASE_URL: emulator.baseUrl,
    };
    await use({
      client: emulatorClient,
      envFile,
      env,
      chain: new TokenChain(send, env, { custody: stepCustody(testInfo) }),
    });
  },
});

export { expect, authorizeInBrowser, ensureBrowserCanRun, warn } from '../../fixtures';
export type { GotoApi, GotoApiInput, Cleanup } from '../../fixtures';
export type { EmulatorControl, EmulatorClient };
export { envSnapshot } from '../../lib/env-file/env-snapshot';
export { fingerprint } from '../../lib/http/redact';
export { loadSettings, requireSettings } from '../../lib/config/goto-settings';
export { readEnvValues } from '../../lib/env-file/env-reader';
export { authorizeRequest } from '../../lib/chain/authorize-request';
export { emulatorLogin } from '../../fixtures/login';
export { updateEnvFile } from '../../lib/env-file/env-file-store';
export * from '../../lib/errors';
export {
  exchangeJson,
  sendRequest,
  shownPath,
  type SendOptions,
  type RedactedExchange,
} from '../../lib/http/send-request';
export {
  syncToVercel,
  vercelSyncPlan,
  syncedKeys,
  redeployed,
  type VercelSyncResult,
} from '../../lib/vercel/vercel-sync';
export { readVercelSettings } from '../../lib/config/vercel-settings';
export {
  redeployKeys,
  syncRecordKey,
  redeployDecision,
  type RedeployDecision,
  type RedeployKey,
} from '../../lib/vercel/sync-record';
export { stepSender } from '../../fixtures/step-sender';
export { followPages, halPage, registrantPage, type Pages } from '../../lib/goto/paging';
export { lastEndedSession, lastPastWebinar, nextWebinar } from '../../lib/goto/schedule';
export { stepCustody } from '../../fixtures/step-custody';
