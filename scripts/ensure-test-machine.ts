/**
 * `npm test`'s first step (the `pretest` script): makes sure the browser tests have a
 * Chromium, finding one, downloading Playwright's, or installing Debian's as root, and
 * otherwise stops with one line that says what to install (lib/config/browser-setup.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { setUpBrowser, type RunCommand } from '../lib/config/browser-setup';

/** Runs a command with its output kept back: the setup says in its own words what happened. */
const run: RunCommand = (command, args, env = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });

const onPath = (name: string) =>
  (process.env.PATH ?? '').split(path.delimiter).some((folder) => folder && existsSync(path.join(folder, name)));

void setUpBrowser({
  env: process.env,
  playwrightChromium: chromium.executablePath(),
  playwrightCli: require.resolve('@playwright/test/cli'),
  canApt: process.getuid?.() === 0 && onPath('apt-get'),
  run,
  say: (line) => process.stderr.write(`${line}\n`),
}).then((setup) => {
  if (setup.ok) {
    if (setup.got !== 'found') process.stderr.write(`npm test: Chromium installed (${setup.got}).\n`);
    return;
  }
  process.stderr.write(`${setup.line}\n`);
  process.exitCode = 1;
});
