#!/usr/bin/env node
/*
 * The GitHub CLI as the workflow harness (../workflow-run.ts) stands it in: it records what it
 * was asked to store, one JSON line per call in GH_STAND_IN_LOG, and stores nothing. Like the
 * real `gh` in a workflow it needs GH_TOKEN; `gh secret set NAME` reads the value from stdin
 * (or --body). Any other command is recorded and refused, so a workflow that needs more of
 * the CLI fails loudly here instead of passing untested.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: package.json has no "type"
const { appendFileSync, readFileSync } = require('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: package.json has no "type"
const { createHash } = require('node:crypto');

const args = process.argv.slice(2);
const log = process.env.GH_STAND_IN_LOG;
if (!log) {
  process.stderr.write('gh (stand-in): GH_STAND_IN_LOG is not set\n');
  process.exit(2);
}
const record = (entry) => appendFileSync(log, `${JSON.stringify({ args, ...entry })}\n`);
const token = process.env.GH_TOKEN || process.env.GITHUB_TOKEN;

if (args[0] === 'secret' && args[1] === 'set' && args[2]) {
  if (!token) {
    record({ refused: 'no GH_TOKEN' });
    process.stderr.write(
      'gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.\n',
    );
    process.exit(4);
  }
  const bodyAt = args.findIndex((arg) => arg === '--body' || arg === '-b');
  const value = bodyAt >= 0 ? (args[bodyAt + 1] ?? '') : readFileSync(0, 'utf8');
  const repoAt = args.findIndex((arg) => arg === '--repo' || arg === '-R');
  record({
    stored: { name: args[2], value, repository: repoAt >= 0 ? args[repoAt + 1] : undefined },
    // Which token it was given, by fingerprint only.
    token: `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`,
  });
  process.stdout.write(`✓ Set Actions secret ${args[2]}\n`);
  process.exit(0);
}

record({ refused: 'not stood in' });
process.stderr.write(`gh (stand-in): \`gh ${args.join(' ')}\` is not stood in by the workflow harness\n`);
process.exit(2);
