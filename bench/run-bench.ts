/**
 * `npm run bench`: speed on the emulator, in one run, side by side (medians of BENCH_RUNS
 * whole processes, default 5; BENCH_REQUESTS requests for the per-request figures, default 300):
 * - Playwright's start-up floor: `playwright test` of one empty test;
 * - the daily chain (refresh → Users/me → webinars) as a whole `playwright test` process,
 *   as a user runs it (`npx playwright test`, against a GoTo-compatible server on 127.0.0.1,
 *   with the config's reporters);
 * - the same-shape empty run: as many empty tests in as many files as the daily run lists
 *   (`--list`), one project, the same reporters (reporters/collection-reporters.ts): what the
 *   daily run would cost if its checks and fixtures cost nothing;
 * - the same daily chain on the grant store (GOTO_GRANT_STORE on a real redis-server of the
 *   bench's own, an env file of its own with only the client's settings), against the one on
 *   the env file (issue 19: within 10%). The stored access token is expired before each run,
 *   as a day-old one is, so that the run refreshes: one token request, as on the env file;
 * - the broker an app imports (`goto-token-runner/broker`, built as `npm pack` builds it):
 *   a plain `node` process that requires dist/broker/index.cjs and asks for the first token
 *   on a warm store (the stored token, no refresh): the require, the first call, the process;
 * - the first run on a fresh clone: `playwright test` with no env file, the whole chain on
 *   the built-in emulator, its start included;
 * - the token requests of a daily run with --workers=4 (the target is exactly one);
 * - the same requests as a plain Node `fetch` script;
 * - the per-request cost inside the collection (test.step, redacted attachment, zod) against
 *   plain `fetch`.
 * Runs alternate between the kinds, so a busy moment of the machine hits them alike.
 * Numbers are printed, never asserted: tests do not time things.
 * BENCH_CPU_PROF=<folder> writes CPU profiles (`--cpu-prof`) of the runner and the worker of
 * each daily run on the env file and each same-shape empty run, one folder per run, to compare
 * where the time goes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmulatorControl, type EmulatorClient } from '../emulator/control-client';
import { startEmulator } from '../emulator/server';
import { readEnvValues } from '../lib/env-file/env-reader';
import { openGrantStore } from '../lib/grant-store/open-grant-store';
import { sendRequest } from '../lib/http/send-request';
import { TokenChain } from '../lib/chain/token-chain';
import { startRedis } from '../servers/store-servers';

const root = path.resolve(__dirname, '..');
const work = path.join(root, 'test-results', 'bench');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cpuProfiles = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const cli = require.resolve('@playwright/test/cli');
const brokerBundle = path.join(root, 'dist', 'broker', 'index.cjs');
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(GOTO_|TEST_|PW_|PLAYWRIGHT_|npm_lifecycle_)/.test(name)),
);

type Env = Record<string, string | undefined>;

/** What every kind of run needs: the emulator, its client, and the two daily runs' settings. */
type Bench = {
  emulatorUrl: string;
  control: EmulatorControl;
  client: EmulatorClient;
  /** The daily chain on the env file (GOTO_ENV_FILE holds the grant). */
  envFileRun: Env;
  /** The daily chain on the Redis grant store (its env file holds only the client's settings). */
  redisRun: Env;
  /** The broker's environment, as an app on Vercel has it: no env file. */
  brokerEnv: Env;
};

/** Each kind's figures, one per round (milliseconds, or token requests). */
type Samples = {
  floor: number[];
  chain: number[];
  sameShape: number[];
  redisChain: number[];
  redisTokenRequests: number[];
  brokerImport: number[];
  brokerFirstToken: number[];
  brokerProcess: number[];
  freshClone: number[];
  workersTokenRequests: number[];
  plain: number[];
};

type PerRequest = { collection: number[]; fetchOnly: number[] };

/** One whole process of the bench: its wall time and what it printed. */
function runProcess(args: string[], env: Env): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...cleanEnv, ...env, CI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - start, stdout })
        : reject(new Error(`${args.join(' ')} exited ${code}\n${stderr}`)),
    );
  });
}

const timedProcess = async (args: string[], env: Env) => (await runProcess(args, env)).ms;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function freshWorkFolder(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
}

/** dist/broker/index.cjs, built as `npm pack` builds it (its `prepack` script, scripts/build-broker.ts). */
function buildBroker(): void {
  execFileSync('npm', ['run', '--silent', 'prepack'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** An env file with the client's settings alone, as a machine that has not authorized yet has it. */
async function clientEnvFile(name: string, client: EmulatorClient): Promise<string> {
  const file = path.join(work, name);
  await writeFile(
    file,
    `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET=${client.clientSecret}\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
    { mode: 0o600 },
  );
  return file;
}

/** A grant where `env` keeps it (the env file, or the store GOTO_GRANT_STORE names): the code exchange in custody. */
async function authorize(bench: Pick<Bench, 'control' | 'client'>, env: Env): Promise<void> {
  const { code } = await bench.control.issueCode(bench.client.clientId);
  await new TokenChain((request) => sendRequest(request), env).exchangeCode({ code });
}

async function setUp(emulatorUrl: string, redisUrl: string): Promise<Bench> {
  const control = new EmulatorControl(emulatorUrl);
  // The mildest policy, so every run measures the same work as before the emulator's default
  // became the strictest (no rotation to store, no access token revoked under a check), and
  // the plain fetch script's refresh, whose answer nobody stores, rotates nothing out from
  // under the next run. The collection's correctness under the strict default is the tests'
  // business (tests/self-test/rotation-policies.spec.ts), not the bench's.
  const client = await control.createClient({ rotation: 'never', revokePreviousAccessTokens: false });
  const goto = { GOTO_TARGET: 'goto', GOTO_AUTH_BASE_URL: emulatorUrl, GOTO_API_BASE_URL: emulatorUrl };
  const envFileRun = { ...goto, GOTO_ENV_FILE: await clientEnvFile('bench.env', client) };
  // As tests/self-test/collection-grant-store.spec.ts sets up a machine on the store: the
  // exchange with GOTO_GRANT_STORE set puts the grant in the store's `default` grant.
  const redisRun = { ...goto, GOTO_ENV_FILE: await clientEnvFile('redis.env', client), GOTO_GRANT_STORE: redisUrl };
  await authorize({ control, client }, envFileRun);
  await authorize({ control, client }, redisRun);
  const brokerEnv = {
    GOTO_CLIENT_ID: client.clientId,
    GOTO_CLIENT_SECRET: client.clientSecret,
    GOTO_AUTH_BASE_URL: emulatorUrl,
    GOTO_GRANT_STORE: redisUrl,
  };
  return { emulatorUrl, control, client, envFileRun, redisRun, brokerEnv };
}

/** Token requests the emulator has received for the bench's client so far. */
async function tokenRequests(bench: Bench): Promise<number> {
  return (await bench.control.requests(bench.client.clientId)).filter((request) => request.route === 'token').length;
}

/** The stored access token made a day old, as a daily run finds it: the run refreshes, as on the env file. */
async function expireStoredAccessToken(env: Env): Promise<void> {
  const store = await openGrantStore(env);
  try {
    const grant = await store.read();
    if (!grant) throw new Error('the Redis store holds no grant: the exchange did not reach it');
    const outcome = await store.commit(grant.version, {
      ...grant.record,
      accessTokenExpiresAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    if (!outcome.committed) throw new Error('the Redis store refused to expire the access token');
  } finally {
    await store.close();
  }
}

/**
 * Node's flags for CPU profiles of a run's processes, in a folder of the run's own: the runner,
 * and its workers, which Playwright forks with the runner's flags (Node 20 refuses --cpu-prof in
 * NODE_OPTIONS).
 */
function profiled(kind: string, round: number): string[] {
  return cpuProfiles ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfiles, `${kind}-${round}`)}`] : [];
}

const floorRun = () =>
  timedProcess(
    [cli, 'test', '-c', 'bench/playwright.config.ts', '--project=floor', '--reporter=dot', `--output=${work}/floor`],
    {},
  );

/** `npx playwright test` with the config's reporters; the HTML report goes to the work folder. */
const dailyRun = (env: Env, output: string, nodeFlags: string[] = []) =>
  timedProcess([...nodeFlags, cli, 'test', `--output=${work}/${output}`], {
    ...env,
    PLAYWRIGHT_HTML_OUTPUT_DIR: `${work}/${output}-report`,
  });

type Listing = { suites?: ListedSuite[] };
type ListedSuite = { file: string; specs?: { title: string }[]; suites?: ListedSuite[] };

const specTitles = (suite: ListedSuite): string[] => [
  ...(suite.specs ?? []).map((spec) => spec.title),
  ...(suite.suites ?? []).flatMap(specTitles),
];

/**
 * The daily run's shape, from its own listing: its files, each with empty tests of the same
 * titles, and a config with one project like the collection's and the same reporters.
 */
async function writeSameShape(env: Env): Promise<string> {
  const { stdout } = await runProcess([cli, 'test', '--list', '--reporter=json'], env);
  const listing = JSON.parse(stdout) as Listing;
  const folder = path.join(work, 'same-shape');
  await mkdir(folder, { recursive: true });
  for (const suite of listing.suites ?? []) {
    const tests = specTitles(suite).map((title) => `test(${JSON.stringify(title)}, () => {});\n`);
    await writeFile(
      path.join(folder, path.basename(suite.file)),
      `import { test } from '@playwright/test';\n\n${tests.join('')}`,
    );
  }
  const config = path.join(folder, 'playwright.config.ts');
  await writeFile(
    config,
    [
      "import { defineConfig } from '@playwright/test';",
      `import { collectionReporters } from ${JSON.stringify(path.join(root, 'reporters', 'collection-reporters'))};`,
      '',
      'export default defineConfig({',
      "  testDir: '.',",
      '  reporter: collectionReporters,',
      "  use: { trace: 'retain-on-failure' },",
      "  projects: [{ name: 'collection', testMatch: '*.spec.ts', fullyParallel: false, use: { trace: 'off' } }],",
      '});',
      '',
    ].join('\n'),
  );
  return config;
}

const sameShapeRun = (config: string, round: number) =>
  timedProcess([...profiled('same-shape', round), cli, 'test', '-c', config, `--output=${work}/same-shape-results`], {
    PLAYWRIGHT_HTML_OUTPUT_DIR: `${work}/same-shape-report`,
  });

/** The daily chain on the Redis store, and the token requests it sent (one: the refresh). */
async function redisDailyRun(bench: Bench, samples: Samples): Promise<void> {
  await expireStoredAccessToken(bench.redisRun);
  const before = await tokenRequests(bench);
  samples.redisChain.push(await dailyRun(bench.redisRun, 'redis'));
  samples.redisTokenRequests.push((await tokenRequests(bench)) - before);
}

/** A cold `node` process that requires the broker's bundle and takes the first token from the warm store. */
async function brokerRun(bench: Bench, samples: Samples): Promise<void> {
  const script = path.join(root, 'bench', 'broker-first-token.js');
  const { ms, stdout } = await runProcess([script, brokerBundle], bench.brokerEnv);
  const timed = JSON.parse(stdout) as { importMs: number; firstTokenMs: number; source: string };
  // A refresh here would time GoTo's token endpoint, not the warm store: the row would lie.
  if (timed.source !== 'stored') throw new Error(`the broker's first token was "${timed.source}", not the stored one`);
  samples.brokerImport.push(timed.importMs);
  samples.brokerFirstToken.push(timed.firstTokenMs);
  samples.brokerProcess.push(ms);
}

/** No env file, nothing configured: what `npx playwright test` does on a fresh clone. */
async function freshCloneRun(samples: Samples): Promise<void> {
  const envFile = path.join(work, 'fresh-clone.env');
  await rm(envFile, { force: true });
  samples.freshClone.push(
    await timedProcess([cli, 'test', '--reporter=dot', `--output=${work}/fresh`], { GOTO_ENV_FILE: envFile }),
  );
}

async function workersRun(bench: Bench, samples: Samples): Promise<void> {
  const before = await tokenRequests(bench);
  await timedProcess([cli, 'test', '--workers=4', '--reporter=dot', `--output=${work}/workers`], bench.envFileRun);
  samples.workersTokenRequests.push((await tokenRequests(bench)) - before);
}

async function plainFetchRun(bench: Bench, samples: Samples): Promise<void> {
  const stored = readEnvValues(bench.envFileRun.GOTO_ENV_FILE ?? '');
  samples.plain.push(
    await timedProcess([path.join(root, 'bench', 'plain-fetch-chain.js')], {
      BENCH_AUTH: bench.emulatorUrl,
      BENCH_API: bench.emulatorUrl,
      BENCH_CLIENT_ID: bench.client.clientId,
      BENCH_CLIENT_SECRET: bench.client.clientSecret,
      BENCH_REFRESH_TOKEN: stored.GOTO_REFRESH_TOKEN,
    }),
  );
}

/** One run of each kind per round, the two daily chains side by side, the broker right after the store's. */
async function alternateRuns(bench: Bench): Promise<Samples> {
  const sameShape = await writeSameShape(bench.envFileRun);
  const samples: Samples = {
    floor: [],
    chain: [],
    sameShape: [],
    redisChain: [],
    redisTokenRequests: [],
    brokerImport: [],
    brokerFirstToken: [],
    brokerProcess: [],
    freshClone: [],
    workersTokenRequests: [],
    plain: [],
  };
  for (let round = 0; round < runs; round++) {
    samples.floor.push(await floorRun());
    samples.chain.push(await dailyRun(bench.envFileRun, 'chain', profiled('chain', round)));
    samples.sameShape.push(await sameShapeRun(sameShape, round));
    await redisDailyRun(bench, samples);
    await brokerRun(bench, samples);
    await freshCloneRun(samples);
    await workersRun(bench, samples);
    await plainFetchRun(bench, samples);
  }
  return samples;
}

async function measurePerRequest(emulatorUrl: string): Promise<PerRequest> {
  const resultFile = path.join(work, 'per-request.json');
  await timedProcess(
    [
      cli,
      'test',
      '-c',
      'bench/playwright.config.ts',
      '--project=per-request',
      '--reporter=dot',
      `--output=${work}/per-request`,
    ],
    { GOTO_EMULATOR_URL: emulatorUrl, BENCH_RESULT_FILE: resultFile },
  );
  return JSON.parse(await readFile(resultFile, 'utf8')) as PerRequest;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const ratio = (value: number[], base: number[], target: string) =>
  `${(median(value) / median(base)).toFixed(2)}× ${target}`;

function reportRows(samples: Samples, perRequest: PerRequest): [string, string, string][] {
  const { floor, chain, sameShape, redisChain, freshClone, plain } = samples;
  return [
    ['Playwright start-up floor (one empty test)', ms(median(floor)), '1.00×'],
    ['Same-shape empty run (same files, tests, reporters)', ms(median(sameShape)), ratio(sameShape, floor, 'floor')],
    ['Daily chain, whole `npx playwright test`', ms(median(chain)), ratio(chain, floor, 'floor')],
    [
      'Daily chain on the Redis grant store',
      ms(median(redisChain)),
      ratio(redisChain, chain, 'the env file (target ≤ 1.10×)'),
    ],
    ['Broker: require dist/broker/index.cjs', ms(median(samples.brokerImport)), ''],
    ['Broker: first token from a warm store', ms(median(samples.brokerFirstToken)), ''],
    ['Broker: whole `node` process', ms(median(samples.brokerProcess)), ratio(samples.brokerProcess, floor, 'floor')],
    [
      'First run on a fresh clone (emulator start included)',
      ms(median(freshClone)),
      ratio(freshClone, floor, 'floor (target ≤ 2×)'),
    ],
    ['Same requests, plain Node fetch script', ms(median(plain)), ratio(plain, floor, 'floor')],
    ['Per request, plain fetch', ms(median(perRequest.fetchOnly)), '1.00×'],
    [
      'Per request, collection sender (step + attachment + zod)',
      ms(median(perRequest.collection)),
      ratio(perRequest.collection, perRequest.fetchOnly, 'fetch (target ≤ 2.4×, stretch 1.5×)'),
    ],
  ];
}

function printReport(samples: Samples, perRequest: PerRequest): void {
  const rows = reportRows(samples, perRequest);
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(
    [
      `goto-token-runner benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} ` +
        `× ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`,
      `medians of ${runs} runs; ${perRequest.collection.length} requests per sender`,
      '',
      ...rows.map(([name, value, ratio]) => `${name.padEnd(width)}  ${value.padStart(9)}  ${ratio}`.trimEnd()),
      '',
      `Daily chain vs same-shape empty run: ${ratio(samples.chain, samples.sameShape, '(target ≤ 1.15×)')}`,
      `First run on a fresh clone vs one-test floor: ${ratio(samples.freshClone, samples.floor, '(target ≤ 2×)')}`,
      '',
      `Token requests per daily run with --workers=4: ${samples.workersTokenRequests.join(', ')} (target: exactly 1 each)`,
      `Token requests per daily run on the Redis store: ${samples.redisTokenRequests.join(', ')} ` +
        '(target: exactly 1 each, the refresh of the expired access token)',
      '',
    ].join('\n'),
  );
}

/** The emulator and a redis-server of the bench's own, stopped whatever happens. */
async function withServers(measure: (emulatorUrl: string, redisUrl: string) => Promise<void>): Promise<void> {
  const emulator = await startEmulator();
  try {
    const redis = await startRedis();
    try {
      await measure(emulator.url, redis.url);
    } finally {
      await redis.stop();
    }
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  await freshWorkFolder();
  buildBroker();
  await withServers(async (emulatorUrl, redisUrl) => {
    const bench = await setUp(emulatorUrl, redisUrl);
    const samples = await alternateRuns(bench);
    const perRequest = await measurePerRequest(emulatorUrl);
    printReport(samples, perRequest);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
