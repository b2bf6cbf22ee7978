import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from './fixtures';
import { UnsupportedWorkflowSyntax } from './helpers/workflow-expressions';
import { runWorkflow, stopRunningSteps, type WorkflowRunOptions } from './helpers/workflow-run';

/*
 * The workflow harness (helpers/workflow-run.ts) on small workflows of its own: that it runs
 * what GitHub would run, in GitHub's order and with GitHub's values, and refuses what it
 * cannot run. ci-workflow-runs.spec.ts runs our real workflows with it.
 */

test.afterEach(() => stopRunningSteps());

async function run(yaml: string, options: Partial<WorkflowRunOptions> = {}) {
  const file = test.info().outputPath(`workflow-${Math.random().toString(36).slice(2, 8)}.yml`);
  await writeFile(file, yaml);
  return runWorkflow(file, {
    scratch: test.info().outputPath(`run-${path.basename(file, '.yml')}`),
    event: 'workflow_dispatch',
    secrets: {},
    ...options,
  });
}

test('resolves the workflow’s, the job’s and the step’s env from secrets, vars, inputs and github, the innermost winning', async () => {
  const result = await run(
    `
on:
  workflow_dispatch:
    inputs:
      days: { default: '7' }
      unset: { required: false }
env:
  FROM_SECRET: \${{ secrets.TOKEN }}
  MISSING_SECRET: x\${{ secrets.NOT_SET }}x
  DAYS: \${{ inputs.days || vars.DAYS || '9' }}
  FALLBACK: \${{ inputs.unset || vars.FALLBACK || 'last' }}
  LAYER: workflow
jobs:
  one:
    runs-on: ubuntu-latest
    env: { LAYER: job, REPO: '\${{ github.repository }}' }
    steps:
      - run: echo "$FROM_SECRET|$MISSING_SECRET|$DAYS|$FALLBACK|$LAYER|$REPO|$GITHUB_EVENT_NAME|$CI" > out.txt
        env: { LAYER: step }
`,
    { secrets: { TOKEN: 'fixture-secret' }, vars: { FALLBACK: 'from-vars' }, inputs: { days: '3' } },
  );

  expect(result.conclusion, result.log).toBe('success');
  const [job] = result.jobs;
  expect(await readFile(path.join(job?.workspace ?? '', 'out.txt'), 'utf8')).toBe(
    'fixture-secret|xx|3|from-vars|step|acme/webinars|workflow_dispatch|true\n',
  );
});

test('a scheduled run has no inputs: the expression falls through to vars, then to its literal', async () => {
  const result = await run(
    `
on:
  schedule: [{ cron: '17 6 * * *' }]
  workflow_dispatch: { inputs: { days: { default: '7' } } }
env:
  DAYS: \${{ inputs.days || vars.DAYS || '9' }}
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$DAYS" > out.txt
`,
    { event: 'schedule' },
  );

  expect(await readFile(path.join(result.jobs[0]?.workspace ?? '', 'out.txt'), 'utf8')).toBe('9\n');
});

test('after a failed step, only steps with if: always() or failure() run, and the job fails', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - { name: before, run: 'true' }
      - { name: fails, run: 'exit 3' }
      - { name: plain, run: 'true' }
      - { name: on success, if: success(), run: 'true' }
      - { name: on failure, if: failure(), run: 'true' }
      - { name: always, if: always(), run: 'true' }
      - { name: not cancelled, if: '!cancelled()', run: 'true' }
`);

  expect(result.jobs[0]?.steps.map((step) => [step.name, step.outcome])).toEqual([
    ['before', 'success'],
    ['fails', 'failure'],
    ['plain', 'skipped'],
    ['on success', 'skipped'],
    ['on failure', 'success'],
    ['always', 'success'],
    ['not cancelled', 'success'],
  ]);
  expect(result.step('one', 'fails').exitCode).toBe(3);
  expect(result.conclusion).toBe('failure');
});

test('an if: without a status function means success() and it: after a failure the step is skipped though its condition holds', async () => {
  const result = await run(
    `
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - { name: holds, if: vars.ON, run: 'true' }
      - { name: fails, run: 'exit 1' }
      - { name: holds after the failure, if: '\${{ vars.ON }}', run: 'true' }
      - { name: with always(), if: vars.OFF || always(), run: 'true' }
`,
    { vars: { ON: 'yes' } },
  );

  expect(result.jobs[0]?.steps.map((step) => [step.name, step.outcome])).toEqual([
    ['holds', 'success'],
    ['fails', 'failure'],
    ['holds after the failure', 'skipped'],
    ['with always()', 'success'],
  ]);
});

test('a step that runs on failure() is skipped when nothing failed', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - { name: works, run: 'true' }
      - { name: on failure, if: failure(), run: 'true' }
`);

  expect(result.step('one', 'on failure').outcome).toBe('skipped');
  expect(result.conclusion).toBe('success');
});

test('a job that needs a failed job is skipped, one with if: always() runs after it', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  first:
    runs-on: ubuntu-latest
    steps: [{ run: 'exit 1' }]
  second:
    needs: first
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  last:
    needs: [first, second]
    if: always()
    runs-on: ubuntu-latest
    steps: [{ name: ran, run: 'true' }]
`);

  expect(result.jobs.map((job) => [job.id, job.result])).toEqual([
    ['first', 'failure'],
    ['second', 'skipped'],
    ['last', 'success'],
  ]);
});

test('each leg of a matrix runs in a fresh workspace at the one workspace path, with its matrix and strategy values', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  legs:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: { shard: [1, 2, 3] }
    steps:
      - name: Shard \${{ matrix.shard }}
        run: echo "\${{ matrix.shard }}/\${{ strategy.job-total }} $GITHUB_WORKSPACE $PWD" > out.txt && ls
`);

  expect(result.jobs.map((job) => job.name)).toEqual(['legs (1)', 'legs (2)', 'legs (3)']);
  const workspace = path.join(result.scratch, 'work', 'webinars', 'webinars');
  const written = await Promise.all(result.jobs.map((job) => readFile(path.join(job.workspace, 'out.txt'), 'utf8')));
  expect(written).toEqual([1, 2, 3].map((shard) => `${shard}/3 ${workspace} ${workspace}\n`));
  expect(
    result.jobs.map((job) => job.steps[0]?.output.trim()),
    'each workspace held only its own file',
  ).toEqual(['out.txt', 'out.txt', 'out.txt']);
  expect(result.jobs[1]?.steps[0]?.name).toBe('Shard 2');
});

test('artifacts go from one job to the next: by name, and by pattern merged into one folder', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  make:
    runs-on: ubuntu-latest
    strategy: { fail-fast: false, matrix: { part: [a, b] } }
    steps:
      - run: mkdir report && echo \${{ matrix.part }} > report/\${{ matrix.part }}.txt
      - uses: actions/upload-artifact@v4
        with: { name: 'part-\${{ matrix.part }}', path: report/ }
  use:
    needs: make
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: { path: all, pattern: part-*, merge-multiple: true }
      - uses: actions/download-artifact@v4
        with: { name: part-a }
      - { name: list, run: 'ls all && ls *.txt' }
`);

  expect(result.conclusion, result.log).toBe('success');
  expect(result.step('use', 'list').output).toBe('a.txt\nb.txt\na.txt\n');
});

test('upload-artifact fails the run when the path holds a secret, naming the secret, not its value', async () => {
  const error = (await run(
    `
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir out && echo "token=$TOKEN" > out/log.txt
        env: { TOKEN: '\${{ secrets.TOKEN }}' }
      - uses: actions/upload-artifact@v4
        with: { name: logs, path: out/ }
`,
    { secrets: { TOKEN: 'fixture-secret-value' } },
  ).catch((caught: unknown) => caught)) as Error;

  expect(error.message).toContain('upload-artifact "logs" holds secrets: secrets.TOKEN in');
  expect(error.message).not.toContain('fixture-secret-value');
});

test('upload-artifact fails the run when its path does not exist', async () => {
  const error = (await run(`
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/upload-artifact@v4
        with: { name: report, path: playwright-report/ }
`).catch((caught: unknown) => caught)) as Error;

  expect(error.message).toBe('upload-artifact "report": playwright-report/ does not exist in the workspace');
});

test('the stand-in gh records the secret it was asked to store, from stdin, with the token it was given', async () => {
  const result = await run(
    `
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - run: printf 'new-value' | gh secret set SOME_SECRET --repo "$GITHUB_REPOSITORY"
        env: { GH_TOKEN: '\${{ secrets.WRITER }}' }
      - { name: without a token, if: always(), run: "printf x | gh secret set OTHER" }
      - { name: another command, if: always(), run: gh api /user }
`,
    { secrets: { WRITER: 'gh-token-fixture' } },
  );

  expect(result.gh).toEqual([
    {
      args: ['secret', 'set', 'SOME_SECRET', '--repo', 'acme/webinars'],
      stored: { name: 'SOME_SECRET', value: 'new-value', repository: 'acme/webinars' },
      token: 'sha256:a2a8dcceedd2',
    },
    { args: ['secret', 'set', 'OTHER'], refused: 'no GH_TOKEN' },
    { args: ['api', '/user'], refused: 'not stood in' },
  ]);
  expect(result.step('one', 'without a token').exitCode).toBe(4);
  expect(result.step('one', 'another command').outcome).toBe('failure');
});

test('a job’s timeout-minutes stops a step that runs past it, and the step fails', async () => {
  const result = await run(`
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - { name: hangs, run: 'sleep 600' }
`);

  expect(result.step('one', 'hangs').outcome).toBe('failure');
  expect(result.step('one', 'hangs').output).toContain('timeout-minutes ran out');
});

test('with clockAheadMs every Node process of the run reads a clock that far ahead', async () => {
  const ahead = 27 * 24 * 60 * 60 * 1000;
  const before = Date.now();
  const result = await run(
    `
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - { name: now, run: 'node -e "console.log(Date.now(), new Date().getTime())"' }
`,
    { clockAheadMs: ahead },
  );
  const after = Date.now();

  const [now, constructed] = result.step('one', 'now').output.trim().split(' ').map(Number);
  for (const seen of [now ?? 0, constructed ?? 0]) {
    expect(seen).toBeGreaterThanOrEqual(before + ahead);
    expect(seen).toBeLessThanOrEqual(after + ahead);
  }
});

test.describe('workflow syntax the harness cannot run stops the run, naming it', () => {
  const job = (steps: string, extra = '') => `
on: { workflow_dispatch: }
jobs:
  one:
    runs-on: ubuntu-latest${extra}
    steps:
${steps}`;
  for (const [what, yaml, named] of [
    ['continue-on-error', job("      - { run: 'true', continue-on-error: true }"), 'continue-on-error'],
    ['a shell of its own', job("      - { run: 'true', shell: python }"), 'shell'],
    ['a matrix include', job("      - run: 'true'", '\n    strategy: { matrix: { include: [{ a: 1 }] } }'), 'include'],
    [
      'a matrix without fail-fast: false',
      job("      - run: 'true'", '\n    strategy: { matrix: { a: [1, 2] } }'),
      'fail-fast',
    ],
    ['a comparison', job("      - { run: 'true', if: \"github.event_name == 'schedule'\" }"), '`==`'],
    ['a step output', job('      - run: echo ${{ steps.x.outputs.y }}'), '`steps`'],
    ['a github property it has no value for', job('      - run: echo ${{ github.sha }}'), '`github.sha`'],
    ['a function', job("      - run: echo ${{ hashFiles('package-lock.json') }}"), '`hashFiles()`'],
    ['an action it has no stand-in for', job('      - uses: actions/cache@v4'), 'actions/cache@v4'],
    ['another version of an action', job('      - uses: actions/checkout@v3'), 'actions/checkout@v4'],
    ['an input of an action', job('      - { uses: actions/checkout@v4, with: { fetch-depth: 0 } }'), 'fetch-depth'],
    ['a runner other than ubuntu', job("      - run: 'true'").replace('ubuntu-latest', 'windows-latest'), 'ubuntu'],
  ] as const) {
    test(what, async () => {
      const error = await run(yaml).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UnsupportedWorkflowSyntax);
      expect((error as Error).message).toContain(named);
    });
  }
});
