import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, stepCustody, test, type GotoRunnerError } from './fixtures';
import { TokenChain } from '../../lib/chain/token-chain';
import { childEnv } from './helpers/child-env';
import { runCollection } from './helpers/run-collection';

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = { needs?: string; if?: string; strategy?: { matrix?: { shard?: number[] } }; steps: Step[] };
type Workflow = {
  on: Record<string, unknown>;
  env: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
};

const root = path.resolve(__dirname, '../..');
const readWorkflow = async (name: string) =>
  parse(await readFile(path.join(root, '.github/workflows', name), 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run] : []));
const stepRunning = (job: Job, command: string) => job.steps.find((step) => step.run?.includes(command));

test.describe('the daily workflow', () => {
  test('runs on a schedule and on demand, never two at once', async () => {
    const workflow = await readWorkflow('goto-tokens.yml');

    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.concurrency, 'a second run waits: two refreshes could lose a rotation').toEqual({
      group: 'goto-tokens',
      'cancel-in-progress': false,
    });
  });

  test('runs the daily chain against GoTo from repository secrets with the github reporter', async () => {
    const workflow = await readWorkflow('goto-tokens.yml');
    const job = workflow.jobs['daily-chain'] as Job;

    expect(workflow.env).toMatchObject({
      GOTO_TARGET: 'goto',
      GOTO_CLIENT_ID: '${{ secrets.GOTO_CLIENT_ID }}',
      GOTO_CLIENT_SECRET: '${{ secrets.GOTO_CLIENT_SECRET }}',
      GOTO_REFRESH_TOKEN: '${{ secrets.GOTO_REFRESH_TOKEN }}',
    });
    expect(stepRunning(job, 'npx playwright test')?.run).toBe('npx playwright test --reporter=github,html,junit');
    expect(runs(job)[0], 'installs from the lock file first').toBe('npm ci');
  });

  test('uploads the HTML report and the JUnit results, also when a check failed', async () => {
    const job = (await readWorkflow('goto-tokens.yml')).jobs['daily-chain'] as Job;
    const uploads = job.steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@'));

    expect(uploads.map((step) => [step.with?.path, step.if])).toEqual([
      ['playwright-report/', 'always()'],
      ['junit-results.xml', 'always()'],
    ]);
    expect(
      stepRunning(job, 'npx playwright test')?.env?.PLAYWRIGHT_JUNIT_OUTPUT_NAME,
      'the JUnit file it uploads',
    ).toBe('junit-results.xml');
    expect(JSON.stringify(uploads), 'the env file with the tokens is never uploaded').not.toContain('.env');
  });

  test('keeps a rotated refresh token even when a check failed, and fails near the refresh token’s 30-day end', async () => {
    const workflow = await readWorkflow('goto-tokens.yml');
    const job = workflow.jobs['daily-chain'] as Job;
    const keep = stepRunning(job, 'npm run save-rotated-token');

    expect(keep?.if).toBe('always()');
    expect(keep?.env).toMatchObject({
      GOTO_INITIAL_REFRESH_TOKEN: '${{ secrets.GOTO_REFRESH_TOKEN }}',
      GH_TOKEN: '${{ secrets.GOTO_SECRETS_TOKEN }}',
    });
    expect(runs(job)).toContain('npm run status -- --strict');
    expect(workflow.env.GOTO_REFRESH_WARN_DAYS, 'the threshold is configurable').toContain('inputs.refresh_warn_days');
  });
});

test.describe('the grant store workflow', () => {
  test('runs the daily chain against GoTo on a schedule and on demand, with the store and its key from repository secrets and no refresh token secret', async () => {
    const workflow = await readWorkflow('goto-tokens-store.yml');
    const job = workflow.jobs['daily-chain'] as Job;

    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.env).toMatchObject({
      GOTO_TARGET: 'goto',
      GOTO_CLIENT_ID: '${{ secrets.GOTO_CLIENT_ID }}',
      GOTO_CLIENT_SECRET: '${{ secrets.GOTO_CLIENT_SECRET }}',
      GOTO_GRANT_STORE: '${{ secrets.GOTO_GRANT_STORE }}',
      GOTO_GRANT_STORE_KEY: '${{ secrets.GOTO_GRANT_STORE_KEY }}',
    });
    expect(workflow.env, 'the refresh token lives in the store, not in a secret').not.toHaveProperty(
      'GOTO_REFRESH_TOKEN',
    );
    expect(runs(job)[0], 'installs from the lock file first').toBe('npm ci');
    expect(stepRunning(job, 'npx playwright test')?.run).toBe('npx playwright test --reporter=github,html,junit');
  });

  test('never writes a GitHub secret: no save-rotated-token, no GitHub token, read-only permissions', async () => {
    const workflow = (await readWorkflow('goto-tokens-store.yml')) as Workflow & { permissions?: unknown };
    const text = JSON.stringify(workflow);

    expect(runs(workflow.jobs['daily-chain'] as Job).join('\n')).not.toMatch(/save-rotated-token|gh secret/);
    expect(text).not.toMatch(/GH_TOKEN|GOTO_SECRETS_TOKEN|GOTO_INITIAL_REFRESH_TOKEN/);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test('shows the grant in the store after the chain, also when a check failed, and fails near the refresh token’s end', async () => {
    const workflow = await readWorkflow('goto-tokens-store.yml');
    const job = workflow.jobs['daily-chain'] as Job;
    const status = stepRunning(job, 'npm run status');

    expect(status?.run).toBe('npm run status -- --strict');
    expect(status?.if).toBe('always()');
    expect(job.steps.indexOf(status as Step)).toBeGreaterThan(
      job.steps.indexOf(stepRunning(job, 'npx playwright test') as Step),
    );
    expect(workflow.env.GOTO_REFRESH_WARN_DAYS, 'the threshold is configurable').toContain('inputs.refresh_warn_days');
  });

  test('uploads the reports, never the env file', async () => {
    const job = (await readWorkflow('goto-tokens-store.yml')).jobs['daily-chain'] as Job;
    const uploads = job.steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@'));

    expect(uploads.map((step) => [step.with?.path, step.if])).toEqual([
      ['playwright-report/', 'always()'],
      ['junit-results.xml', 'always()'],
    ]);
    expect(JSON.stringify(uploads)).not.toContain('.env');
  });
});

test.describe('the sharded workflow', () => {
  test('refreshes once, runs the API checks in shards that send no token request, and merges the blob reports', async () => {
    const workflow = await readWorkflow('goto-tokens-sharded.yml');
    const { refresh, 'api-checks': shards, 'merge-reports': merge } = workflow.jobs;

    expect(runs(refresh as Job)).toContain('npx playwright test --grep @refresh --reporter=github');
    expect(shards?.needs).toBe('refresh');
    expect(shards?.strategy?.matrix?.shard).toEqual([1, 2, 3, 4]);
    const checks = shards?.steps?.find((step) => step.run?.includes('--shard='));
    expect(checks?.run).toBe(
      'npx playwright test --grep-invert @tokens --shard=${{ matrix.shard }}/${{ strategy.job-total }} --reporter=blob',
    );
    expect(checks?.env, 'shards use the refresh job’s token').toMatchObject({ GOTO_TOKEN_REQUESTS: 'off' });
    expect(runs(merge as Job)).toContain('npx playwright merge-reports --reporter=html,junit ./all-blob-reports');
  });
});

test('every npm script the workflows run exists, and no step puts a secret on a command line', async () => {
  const scripts = Object.keys(
    (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts,
  );
  for (const name of ['goto-tokens.yml', 'goto-tokens-sharded.yml', 'goto-tokens-store.yml']) {
    const workflow = await readWorkflow(name);
    for (const job of Object.values(workflow.jobs)) {
      for (const run of runs(job)) {
        for (const [, script] of run.matchAll(/npm run ([\w:-]+)/g))
          expect(scripts, `${name}: npm run ${script}`).toContain(script);
        expect(run, `${name}: secrets reach steps through env only`).not.toContain('secrets.');
      }
    }
  }
});

test('shards running the API checks with GOTO_TOKEN_REQUESTS=off after one refresh send no second refresh', async ({
  sandbox,
  emulator,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  const refreshes = async () =>
    (await emulator.requests(sandbox.client.clientId)).filter((request) => request.form?.grant_type === 'refresh_token')
      .length;

  const refresh = await runCollection(sandbox.env, [
    '--grep',
    '@refresh',
    '--reporter=line',
    `--output=${testInfo.outputPath('refresh')}`,
  ]);
  const shards = await Promise.all(
    [1, 2].map((shard) =>
      runCollection({ ...sandbox.env, GOTO_TOKEN_REQUESTS: 'off' }, [
        '--grep-invert',
        '@tokens',
        `--shard=${shard}/2`,
        '--reporter=line',
        `--output=${testInfo.outputPath(`shard-${shard}`)}`,
      ]),
    ),
  );

  expect(refresh.exitCode, refresh.output).toBe(0);
  for (const shard of shards) expect(shard.exitCode, shard.output).toBe(0);
  expect(await refreshes(), 'one refresh for the refresh job and both shards').toBe(1);
});

test('with GOTO_TOKEN_REQUESTS=off a refresh step is refused before anything is sent, saying how to leave it out', async ({
  sandbox,
  emulator,
  send,
}, testInfo) => {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  const sentBefore = (await emulator.requests(sandbox.client.clientId)).length;
  const before = await readFile(sandbox.envFile);
  const chain = new TokenChain(
    send,
    { ...sandbox.env, GOTO_TOKEN_REQUESTS: 'off' },
    { custody: stepCustody(testInfo) },
  );

  const error = await chain.refresh().catch((caught: unknown) => caught);

  expect((error as GotoRunnerError).code).toBe('TOKEN_REQUESTS_OFF');
  expect((error as GotoRunnerError).message).toContain('--grep-invert @tokens');
  expect(await emulator.requests(sandbox.client.clientId), 'nothing was sent').toHaveLength(sentBefore);
  expect((await readFile(sandbox.envFile)).equals(before), 'the env file is as it was').toBe(true);
});

test.describe('save-rotated-token', () => {
  // Each test runs the script through ts-node (which loads TypeScript's compiler): on a loaded
  // machine that alone has taken longer than the default 30 s.
  test.describe.configure({ timeout: 3 * 60_000 });
  async function run(env: Record<string, string>, testInfo: import('@playwright/test').TestInfo) {
    const bin = testInfo.outputPath('bin');
    await mkdir(bin, { recursive: true });
    // A stand-in for the GitHub CLI that records how it was called.
    await writeFile(path.join(bin, 'gh'), `#!/bin/sh\necho "$@" > "${bin}/args"\ncat > "${bin}/stdin"\n`);
    await chmod(path.join(bin, 'gh'), 0o755);
    const result = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'scripts/save-rotated-token.ts'],
      {
        cwd: root,
        env: { ...childEnv(env, { base: 'path' }), PATH: `${bin}:${process.env.PATH}` },
        encoding: 'utf8',
      },
    );
    const read = (name: string) => readFile(path.join(bin, name), 'utf8').catch(() => undefined);
    return {
      status: result.status,
      output: result.stdout + result.stderr,
      args: await read('args'),
      stdin: await read('stdin'),
    };
  }

  test('does nothing when the refresh token did not rotate', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('ci.env');
    await writeFile(envFile, 'GOTO_REFRESH_TOKEN=same-token-value\n');

    const result = await run(
      {
        GOTO_ENV_FILE: envFile,
        GOTO_INITIAL_REFRESH_TOKEN: 'same-token-value',
        GH_TOKEN: 't',
        GITHUB_REPOSITORY: 'acme/app',
      },
      testInfo,
    );

    expect(result.status).toBe(0);
    expect(result.args, 'the GitHub CLI was not called').toBeUndefined();
  });

  test('writes a rotated refresh token to the repository secret through stdin, never on the command line or in the log', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('ci.env');
    await writeFile(envFile, 'GOTO_REFRESH_TOKEN=rotated-token-value\n');

    const result = await run(
      {
        GOTO_ENV_FILE: envFile,
        GOTO_INITIAL_REFRESH_TOKEN: 'old-token-value',
        GH_TOKEN: 't',
        GITHUB_REPOSITORY: 'acme/app',
      },
      testInfo,
    );

    expect(result.status, result.output).toBe(0);
    expect(result.args?.trim()).toBe('secret set GOTO_REFRESH_TOKEN --repo acme/app');
    expect(result.stdin).toBe('rotated-token-value');
    expect(result.output).not.toContain('rotated-token-value');
  });

  test('fails loudly, with what to do, when a rotated refresh token cannot be saved', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('ci.env');
    await writeFile(envFile, 'GOTO_REFRESH_TOKEN=rotated-token-value\n');

    const result = await run({ GOTO_ENV_FILE: envFile, GOTO_INITIAL_REFRESH_TOKEN: 'old-token-value' }, testInfo);

    expect(result.status).toBe(1);
    expect(result.output).toContain('GoTo rotated the refresh token');
    expect(result.output).toContain('GOTO_SECRETS_TOKEN');
    expect(result.output).toContain('authorize again');
    expect(result.output, 'no copying from Vercel, whose sensitive values cannot be read back').not.toMatch(
      /copy[^.]*(there|Vercel)/i,
    );
    expect(result.output).not.toContain('rotated-token-value');
  });
});
