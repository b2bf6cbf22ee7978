import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../../lib/config/env-target';
import { childEnv, repositoryRoot } from './child-env';
import { runAction, StepFailed } from './workflow-actions';
import {
  condition,
  interpolate,
  UnsupportedWorkflowSyntax,
  type ExpressionScope,
  type ExpressionValue,
} from './workflow-expressions';
import { readWorkflow, type Workflow, type WorkflowJob, type WorkflowStep } from './workflow-schema';

/*
 * Runs a GitHub Actions workflow of ours on this machine, as far as our workflows need it
 * (act, the usual runner, needs Docker). Its jobs run in the order `needs:` gives, a
 * matrix's legs in order, each in a fresh workspace, its steps in order: `run:` steps by bash
 * as on an ubuntu runner (`bash -e`), `uses:` steps by stand-ins (workflow-actions.ts).
 * `env:` of the workflow, job and step is resolved with the run's secrets, variables and
 * inputs (workflow-expressions.ts); `if:` with success(), failure(), always() is honoured; a
 * job's `timeout-minutes` stops its steps. On PATH first: a stand-in `gh` that records what it
 * was asked to store, and an `npm` whose `npm ci` keeps the linked node_modules
 * (workflow-stand-ins/). Syntax it cannot run stops the run with UnsupportedWorkflowSyntax.
 *
 * One job at a time, where GitHub may run jobs and a matrix's legs side by side: there, each
 * runs on a machine of its own with the same workspace path (/home/runner/work/<repo>/<repo>),
 * and what a job hands the next can depend on that path (Playwright's blob reports record
 * their test folder, and merge-reports refuses reports from different folders). On one
 * machine only one job at a time can have that path, so each job gets it in turn, and its
 * workspace is moved aside afterwards for the test to read.
 *
 * Every step gets an explicit GOTO_TARGET and env file (helpers/child-env.ts): the workflow's
 * own, which must lie inside `scratch`, or the workspace's `.env` where the workflow names
 * none (where a runner's checkout would have it). Nothing reads this checkout's `.env`: the
 * workspaces are copies without it.
 */

export type WorkflowRunOptions = {
  /** Where the run's workspaces, artifacts and stand-ins' records go. */
  scratch: string;
  /** The event that starts the run: `schedule` or `workflow_dispatch` (a key of the workflow's `on:`). */
  event: string;
  /** The repository's secrets (`secrets.X`); one not given is empty, as on GitHub. */
  secrets: Record<string, string>;
  /** The repository's variables (`vars.X`). */
  vars?: Record<string, string>;
  /** A workflow_dispatch run's inputs; the workflow's defaults fill in the rest. */
  inputs?: Record<string, string>;
  /** `github.repository`. Default `acme/webinars`. */
  repository?: string;
  /**
   * Variables of the runner machine, under the workflow's own: what makes the emulator play
   * GoTo (GOTO_AUTH_BASE_URL, GOTO_API_BASE_URL), as a proxy would for a real runner.
   */
  machineEnv?: Env;
  /** Every Node process of the run sees the clock this far ahead: a run days after the test set it up. */
  clockAheadMs?: number;
  /** Values no artifact may hold besides the secrets (tokens issued during the run), by label; asked at each upload. */
  moreSecrets?: () => Promise<Record<string, string>>;
};

export type Outcome = 'success' | 'failure' | 'skipped';
export type StepRecord = { name: string; outcome: Outcome; exitCode?: number | null; output: string };
export type JobRecord = {
  id: string;
  /** With a matrix, the leg's values in brackets, as GitHub names it: `api-checks (3)`. */
  name: string;
  matrix: Record<string, ExpressionValue>;
  result: Outcome;
  steps: StepRecord[];
  workspace: string;
};
/** One call of the stand-in `gh`: what it stored, or why it refused. */
export type GhCall = {
  args: string[];
  stored?: { name: string; value: string; repository?: string };
  token?: string;
  refused?: string;
};

export type WorkflowRun = {
  /** The run's scratch folder. */
  scratch: string;
  conclusion: 'success' | 'failure';
  jobs: JobRecord[];
  gh: GhCall[];
  /** The uploaded artifacts, one folder each by name. */
  artifacts: string;
  /** Every step's output, job by job. */
  log: string;
  /** The step named `name` of job `id` (of its one leg). */
  step(id: string, name: string): StepRecord;
};

type Machine = {
  bin: string;
  home: string;
  artifacts: string;
  ghLog: string;
  realNpm: string;
};

type RunState = {
  workflow: Workflow;
  options: WorkflowRunOptions;
  machine: Machine;
  inputs: Record<string, ExpressionValue>;
  github: Record<string, ExpressionValue>;
  results: Map<string, Outcome>;
};

const standIns = path.join(__dirname, 'workflow-stand-ins');

/** The process groups of the steps running now, for `stopRunningSteps`. */
const running = new Set<number>();

/** Stops every step still running (a test that timed out or failed mid-run): its whole process group. */
export function stopRunningSteps(): void {
  for (const group of running) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

/** Runs `.github/workflows/<name>` (or a workflow file at that path) to the end. */
export async function runWorkflow(name: string, options: WorkflowRunOptions): Promise<WorkflowRun> {
  const file = path.isAbsolute(name) ? name : path.join(repositoryRoot, '.github', 'workflows', name);
  const workflow = readWorkflow(file);
  const repository = options.repository ?? 'acme/webinars';
  const state: RunState = {
    workflow,
    options,
    machine: await prepareMachine(options.scratch),
    inputs: eventInputs(workflow, options),
    github: {
      repository,
      repository_owner: repository.split('/')[0] ?? '',
      event_name: options.event,
      ref: 'refs/heads/main',
      run_id: '1',
    },
    results: new Map(),
  };
  const jobs: JobRecord[] = [];
  for (const id of jobOrder(workflow)) {
    const legs = await runJob(id, workflow.jobs[id] as WorkflowJob, state);
    jobs.push(...legs);
    state.results.set(id, combined(legs.map((leg) => leg.result)));
  }
  const gh = (await readFile(state.machine.ghLog, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GhCall);
  return {
    scratch: options.scratch,
    conclusion: jobs.some((job) => job.result === 'failure') ? 'failure' : 'success',
    jobs,
    gh,
    artifacts: state.machine.artifacts,
    log: jobs
      .map((job) =>
        job.steps.map((step) => `== ${job.name} › ${step.name} (${step.outcome})\n${step.output}`).join('\n'),
      )
      .join('\n'),
    step: (id, stepName) => {
      const legs = jobs.filter((job) => job.id === id);
      if (legs.length !== 1) throw new Error(`job ${id} ran ${legs.length} times: pick a leg from jobs`);
      const found = legs[0]?.steps.filter((step) => step.name === stepName) ?? [];
      if (found.length !== 1) throw new Error(`job ${id} has ${found.length} steps named "${stepName}"`);
      return found[0] as StepRecord;
    },
  };
}

/** The runner machine: stand-ins first on PATH, a home, a place for artifacts and for gh's record. */
async function prepareMachine(scratch: string): Promise<Machine> {
  const bin = path.join(scratch, 'bin');
  const home = path.join(scratch, 'home');
  const artifacts = path.join(scratch, 'artifacts');
  for (const folder of [bin, home, artifacts]) await mkdir(folder, { recursive: true });
  await symlink(path.join(standIns, 'gh.js'), path.join(bin, 'gh'));
  await symlink(path.join(standIns, 'npm.js'), path.join(bin, 'npm'));
  const realNpm = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((folder) => path.join(folder, 'npm'))
    .find((candidate) => existsSync(candidate));
  if (!realNpm) throw new Error('no npm on PATH for the stand-in to hand `npm run` to');
  return { bin, home, artifacts, ghLog: path.join(scratch, 'gh-calls.jsonl'), realNpm };
}

function eventInputs(workflow: Workflow, options: WorkflowRunOptions): Record<string, ExpressionValue> {
  if (!(options.event in workflow.on)) {
    throw new Error(`the workflow does not run on ${options.event} (on: ${Object.keys(workflow.on).join(', ')})`);
  }
  if (options.event !== 'workflow_dispatch') {
    if (options.inputs) throw new Error(`a ${options.event} run has no inputs`);
    return {};
  }
  const declared = workflow.on.workflow_dispatch?.inputs ?? {};
  const unknown = Object.keys(options.inputs ?? {}).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new Error(`the workflow declares no input ${unknown.join(', ')}`);
  return {
    ...Object.fromEntries(Object.entries(declared).map(([name, input]) => [name, input.default ?? ''])),
    ...options.inputs,
  };
}

/** The jobs in an order `needs:` allows: each after the jobs it needs, otherwise as written. */
function jobOrder(workflow: Workflow): string[] {
  const needs = (id: string) => [workflow.jobs[id]?.needs ?? []].flat();
  for (const id of Object.keys(workflow.jobs)) {
    for (const need of needs(id))
      if (!workflow.jobs[need]) throw new Error(`job ${id} needs ${need}, which is not a job`);
  }
  const order: string[] = [];
  while (order.length < Object.keys(workflow.jobs).length) {
    const next = Object.keys(workflow.jobs).find(
      (id) => !order.includes(id) && needs(id).every((need) => order.includes(need)),
    );
    if (!next) throw new Error('the jobs’ needs form a cycle');
    order.push(next);
  }
  return order;
}

function combined(results: Outcome[]): Outcome {
  if (results.includes('failure')) return 'failure';
  return results.every((result) => result === 'skipped') ? 'skipped' : 'success';
}

/** A job: skipped by its `if:` (by default, when a job it needs did not succeed), else each leg of its matrix. */
async function runJob(id: string, job: WorkflowJob, state: RunState): Promise<JobRecord[]> {
  const needs = [job.needs ?? []].flat().map((need) => state.results.get(need));
  const status = { success: needs.every((result) => result === 'success'), failure: needs.includes('failure') };
  const scope: ExpressionScope = {
    contexts: { github: state.github, inputs: state.inputs, vars: state.options.vars ?? {} },
    lenient: ['inputs', 'vars'],
    status,
  };
  if (!condition(job.if, scope)) {
    return [{ id, name: job.name ?? id, matrix: {}, result: 'skipped', steps: [], workspace: '' }];
  }
  const legs = matrixLegs(job);
  if (legs.length > 1 && job.strategy?.['fail-fast'] !== false) {
    throw new UnsupportedWorkflowSyntax(
      `job ${id}: fail-fast (on by default) cancels the other legs of a matrix; the harness runs no cancellation (set fail-fast: false)`,
    );
  }
  const records: JobRecord[] = [];
  for (const [index, leg] of legs.entries()) records.push(await runLeg(id, job, leg, index, legs.length, state));
  return records;
}

/** The matrix's lists crossed, in order: `{shard: [1, 2]}` gives `{shard: 1}`, `{shard: 2}`. */
function matrixLegs(job: WorkflowJob): Record<string, ExpressionValue>[] {
  let legs: Record<string, ExpressionValue>[] = [{}];
  for (const [key, values] of Object.entries(job.strategy?.matrix ?? {})) {
    legs = legs.flatMap((leg) => values.map((value) => ({ ...leg, [key]: value })));
  }
  return legs;
}

async function runLeg(
  id: string,
  job: WorkflowJob,
  matrix: Record<string, ExpressionValue>,
  index: number,
  total: number,
  state: RunState,
): Promise<JobRecord> {
  const folder = path.join(state.options.scratch, 'jobs', total > 1 ? `${id}-${index + 1}` : id);
  // GitHub's workspace path, the same for every job (see above); the job's own folder keeps it afterwards.
  const repositoryName = String(state.github.repository).split('/')[1] ?? 'repository';
  const workspace = path.join(state.options.scratch, 'work', repositoryName, repositoryName);
  const temp = path.join(folder, 'temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(temp, { recursive: true });
  const github = { ...state.github, workspace, job: id };
  const contexts = {
    github,
    secrets: state.options.secrets,
    vars: state.options.vars ?? {},
    inputs: state.inputs,
    matrix,
    strategy: {
      'job-index': index,
      'job-total': total,
      'fail-fast': job.strategy?.['fail-fast'] ?? true,
      'max-parallel': job.strategy?.['max-parallel'] ?? total,
    },
    runner: { os: 'Linux', temp },
  };
  const scope = (status?: ExpressionScope['status']): ExpressionScope => ({
    contexts,
    lenient: ['secrets', 'vars', 'inputs'],
    ...(status ? { status } : {}),
  });
  // The workflow's env sees no matrix, strategy or runner (GitHub's context availability).
  const workflowScope: ExpressionScope = {
    contexts: { github, secrets: contexts.secrets, vars: contexts.vars, inputs: contexts.inputs },
    lenient: ['secrets', 'vars', 'inputs'],
  };
  const jobEnv = {
    ...resolveEnv(state.workflow.env, workflowScope),
    ...resolveEnv(job.env, scope()),
  };
  const name = total > 1 ? `${job.name ?? id} (${Object.values(matrix).join(', ')})` : (job.name ?? id);
  const deadline = Date.now() + (job['timeout-minutes'] ?? 360) * 60_000;
  const runner = {
    workspace,
    temp,
    github,
    nodeBin: undefined as string | undefined,
    secrets: () => secretsToHide(state.options),
  };
  const steps: StepRecord[] = [];
  let failed = false;
  for (const [number, step] of job.steps.entries()) {
    const stepName = interpolate(step.name ?? `Run ${step.uses ?? firstLine(step.run ?? '')}`, scope());
    if (!condition(step.if, scope({ success: !failed, failure: failed }))) {
      steps.push({ name: stepName, outcome: 'skipped', output: '' });
      continue;
    }
    const env = stepEnvironment(state, runner, { ...jobEnv, ...resolveEnv(step.env, scope()) });
    const record = await runStep(step, number, stepName, env, runner, state, scope(), deadline);
    steps.push(record);
    if (record.outcome === 'failure') failed = true;
  }
  const kept = path.join(folder, 'workspace');
  await rename(workspace, kept);
  return { id, name, matrix, result: failed ? 'failure' : 'success', steps, workspace: kept };
}

type Runner = {
  workspace: string;
  temp: string;
  github: Record<string, ExpressionValue>;
  nodeBin: string | undefined;
  secrets: () => Promise<Record<string, string>>;
};

async function runStep(
  step: WorkflowStep,
  number: number,
  name: string,
  env: Env,
  runner: Runner,
  state: RunState,
  scope: ExpressionScope,
  deadline: number,
): Promise<StepRecord> {
  if (step.uses !== undefined) {
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([key, value]) => [key, interpolate(String(value), scope)]),
    );
    try {
      const said = await runAction(step.uses, inputs, {
        workspace: runner.workspace,
        artifacts: state.machine.artifacts,
        secrets: runner.secrets,
        useNode: (folder) => (runner.nodeBin = folder),
      });
      return { name, outcome: 'success', output: `${said}\n` };
    } catch (error) {
      // What fails the step on GitHub fails it here; anything else (a stand-in's assertion, unsupported syntax) stops the run.
      if (error instanceof StepFailed) return { name, outcome: 'failure', output: `${error.message}\n` };
      throw error;
    }
  }
  const script = path.join(runner.temp, `step-${number + 1}.sh`);
  await writeFile(script, interpolate(step.run ?? '', scope));
  const { exitCode, output } = await runShell(script, env, runner.workspace, deadline);
  return { name, outcome: exitCode === 0 ? 'success' : 'failure', exitCode, output };
}

/** `bash -e script` as an ubuntu runner runs a `run:` step, in its own process group so a timeout stops all of it. */
function runShell(
  script: string,
  env: Env,
  cwd: string,
  deadline: number,
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', script], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) running.add(child.pid);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(
      () => {
        output += '\n(the job’s timeout-minutes ran out: the step was stopped)\n';
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      },
      Math.max(0, deadline - Date.now()),
    );
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      if (child.pid) running.delete(child.pid);
      resolve({ exitCode, output });
    });
  });
}

/**
 * A step's environment: the machine's (this user's shell, without the test worker's GOTO_*,
 * Playwright and npm variables), the runner's defaults (CI, GITHUB_*, RUNNER_*), then the
 * workflow's, job's and step's `env:`.
 */
function stepEnvironment(state: RunState, runner: Runner, declared: Env): Env {
  const { machine, options } = state;
  const github = runner.github;
  const env: Env = {
    HOME: machine.home,
    PATH: [machine.bin, runner.nodeBin, process.env.PATH].filter(Boolean).join(path.delimiter),
    FORCE_COLOR: '0',
    // Only what the harness sets: none of the test worker's.
    NODE_OPTIONS: options.clockAheadMs ? `--require ${path.join(standIns, 'shifted-clock.js')}` : '',
    SHIFTED_CLOCK_AHEAD_MS: String(options.clockAheadMs ?? 0),
    // npx and npm run find everything in the linked node_modules: nothing is fetched.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    GH_STAND_IN_LOG: machine.ghLog,
    WORKFLOW_REAL_NPM: machine.realNpm,
    ...options.machineEnv,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: String(github.repository),
    GITHUB_REPOSITORY_OWNER: String(github.repository_owner),
    GITHUB_EVENT_NAME: String(github.event_name),
    GITHUB_REF: String(github.ref),
    GITHUB_RUN_ID: String(github.run_id),
    GITHUB_JOB: String(github.job),
    GITHUB_WORKSPACE: runner.workspace,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runner.temp,
    ...declared,
  };
  // Where a runner's collection would read and write its tokens when the workflow names no file.
  env.GOTO_ENV_FILE ||= path.join(runner.workspace, '.env');
  const envFile = path.resolve(runner.workspace, env.GOTO_ENV_FILE);
  if (!envFile.startsWith(options.scratch + path.sep)) {
    throw new Error(`the workflow's GOTO_ENV_FILE (${env.GOTO_ENV_FILE}) lies outside the run's scratch folder`);
  }
  return childEnv(env);
}

function resolveEnv(block: Record<string, string | number | boolean> | undefined, scope: ExpressionScope): Env {
  return Object.fromEntries(
    Object.entries(block ?? {}).map(([key, value]) => [key, interpolate(String(value), scope)]),
  );
}

/** The run's secrets (the empty ones say nothing) and the test's further values, by label. */
async function secretsToHide(options: WorkflowRunOptions): Promise<Record<string, string>> {
  const secrets = Object.entries(options.secrets).filter(([, value]) => value !== '');
  return {
    ...Object.fromEntries(secrets.map(([name, value]) => [`secrets.${name}`, value])),
    ...(await options.moreSecrets?.()),
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
