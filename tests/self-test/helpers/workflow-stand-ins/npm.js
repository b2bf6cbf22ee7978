#!/usr/bin/env node
/*
 * `npm` as the workflow harness (../workflow-run.ts) stands it in: `npm ci` installs nothing
 * (the copy's node_modules is linked to the checkout's, installed from the same lock file,
 * and a real `npm ci` would delete it and download); every other command goes to the real
 * npm (WORKFLOW_REAL_NPM), so `npm run …` runs the project's scripts as on a runner.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: package.json has no "type"
const { existsSync } = require('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: package.json has no "type"
const { spawnSync } = require('node:child_process');

const args = process.argv.slice(2);
if (args[0] === 'ci') {
  if (args.length > 1) {
    process.stderr.write(`npm (stand-in): \`npm ${args.join(' ')}\`: options of npm ci are not stood in\n`);
    process.exit(2);
  }
  for (const needed of ['package.json', 'package-lock.json', 'node_modules']) {
    if (!existsSync(needed)) {
      process.stderr.write(`npm ci (stand-in): no ${needed} in ${process.cwd()}\n`);
      process.exit(1);
    }
  }
  process.stdout.write('npm ci (stand-in): node_modules is the checkout’s own, installed from the same lock file\n');
  process.exit(0);
}
const result = spawnSync(process.env.WORKFLOW_REAL_NPM || 'npm-not-found', args, { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`npm (stand-in): the real npm could not be started (${result.error.code})\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
