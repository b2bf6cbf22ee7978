import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { test } from '@playwright/test';
import type { Env } from '../../../lib/config/env-target';

/** The checkout these self-tests belong to (a copy of it, when a self-test runs them there). */
export const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * Variables a child process must not inherit from the test worker: the worker's own target
 * and env file (GOTO_*), Playwright's worker and runner variables, and `npm test`'s marker,
 * so a nested run configures itself from what the test gives it and nothing else.
 */
const WORKER_ONLY = /^(GOTO_|TEST_|PW_|PLAYWRIGHT_|npm_lifecycle_)/;

/** The worker's environment without the variables above: what a user's shell holds. */
export function userShellEnv(): Env {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !WORKER_ONLY.test(name)));
}

export type ChildEnvOptions = {
  /**
   * `worker`: the worker's environment without the variables above (a `playwright test` run
   * needs HOME, CHROMIUM_PATH and the like); `path`: PATH alone, for a script that must see
   * only what the test gives it.
   */
  base?: 'worker' | 'path';
  /**
   * `from-env-file`: leave GOTO_TARGET unset when the test gives none, for a test of how a
   * script picks its target from the (scratch) env file it is given. `emulator` by default.
   */
  target?: 'emulator' | 'from-env-file';
};

/**
 * The environment of every process a self-test starts: always an explicit GOTO_TARGET
 * (`emulator` unless the test names one) and an explicit env file (a scratch file in the
 * test's output folder unless the test names one), never the checkout's `.env`. `npm test`
 * promises it never calls GoTo and never touches the user's `.env` (README): a child run
 * left to pick its own target would read that file, find the user's client id, and call
 * the user's GoTo with the user's grant.
 */
export function childEnv(env: Env, options: ChildEnvOptions = {}): Env {
  const base = options.base === 'path' ? { PATH: process.env.PATH } : userShellEnv();
  const envFile = env.GOTO_ENV_FILE || test.info().outputPath(`child-${randomUUID().slice(0, 8)}.env`);
  if (path.resolve(repositoryRoot, envFile) === path.join(repositoryRoot, '.env')) {
    throw new Error(`a self-test gave a child process the checkout's own env file (${envFile}); give it a scratch one`);
  }
  const target = env.GOTO_TARGET || (options.target === 'from-env-file' ? undefined : 'emulator');
  return { ...base, ...env, GOTO_TARGET: target, GOTO_ENV_FILE: envFile };
}
