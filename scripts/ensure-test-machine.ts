/**
 * `npm test`'s first step (the `pretest` script): makes sure the tests have what they need
 * from the machine (lib/config/test-machine-setup.ts). The grant store's servers
 * (redis-server, PostgreSQL 15, PgBouncer): installed as root where apt-get is. A Chromium for
 * the browser tests: found, downloaded (Playwright's), or installed as root (Debian's). When
 * anything is still missing, it stops with one line that says what to install.
 *
 * Whether it may install is whether it runs as root and finds apt-get on PATH: a test runs it
 * with a PATH without apt-get, so that it installs nothing (tests/self-test/test-machine-setup.spec.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import type { RunCommand } from '../lib/config/browser-setup';
import { setUpTestMachine } from '../lib/config/test-machine-setup';
import { storeServerBinaries } from '../servers/store-servers';

/** Runs a command with its output kept back: the setup says in its own words what happened. */
const run: RunCommand = (command, args, env = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });

const onPath = (name: string) =>
  (process.env.PATH ?? '').split(path.delimiter).some((folder) => folder && existsSync(path.join(folder, name)));

void setUpTestMachine({
  env: process.env,
  playwrightChromium: chromium.executablePath(),
  playwrightCli: require.resolve('@playwright/test/cli'),
  canApt: process.getuid?.() === 0 && onPath('apt-get'),
  run,
  say: (line) => process.stderr.write(`${line}\n`),
  storeBinaries: Object.values(storeServerBinaries),
  exists: existsSync,
}).then(({ stores, browser, line }) => {
  if (line !== undefined) {
    process.stderr.write(`${line}\n`);
    process.exitCode = 1;
    return;
  }
  if (stores.ok && stores.got !== 'found')
    process.stderr.write(`npm test: ${stores.packages.join(', ')} installed (apt).\n`);
  if (browser.ok && browser.got !== 'found') process.stderr.write(`npm test: Chromium installed (${browser.got}).\n`);
});
