/**
 * `npm run bench`: speed on the emulator, in one run, side by side (medians of BENCH_RUNS
 * whole processes, default 5; BENCH_REQUESTS requests for the per-request figures, default 300):
 * - Playwright's start-up floor: `playwright test` of one empty test;
 * - the daily chain (refresh → Users/me → webinars) as a whole `playwright test` process,
 *   as a user runs it (`npx playwright test`, against a GoTo-compatible server on 127.0.0.1);
 * - the first run on a fresh clone: `playwright test` with no env file, the whole chain on
 *   the built-in emulator, its start included;
 * - the token requests of a daily run with --workers=4 (the target is exactly one);
 * - the same requests as a plain Node `fetch` script;
 * - the per-request cost inside the collection (test.step, redacted attachment, zod) against
 *   plain `fetch`.
 * Runs alternate between the kinds, so a busy moment of the machine hits them alike.
 * Numbers are printed, never asserted: tests do not time things.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmulatorControl } from '../emulator/control-client';
import { startEmulator } from '../emulator/server';
import { readEnvValues } from '../lib/env-file/env-reader';
import { sendRequest } from '../lib/http/send-request';
import { TokenChain } from '../lib/chain/token-chain';

const root = path.resolve(__dirname, '..');
const work = path.join(root, 'test-results', 'bench');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = require.resolve('@playwright/test/cli');
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(GOTO_|TEST_|PW_|PLAYWRIGHT_|npm_lifecycle_)/.test(name)),
);

function timedProcess(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...cleanEnv, ...env, CI: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - start)
        : reject(new Error(`${args.join(' ')} exited ${code}\n${stderr}`)),
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const emulator = await startEmulator();
  try {
    const control = new EmulatorControl(emulator.url);
    // The mildest policy, so every run measures the same work as before the emulator's default
    // became the strictest (no rotation to store, no access token revoked under a check), and
    // the plain fetch script's refresh, whose answer nobody stores, rotates nothing out from
    // under the next run. The collection's correctness under the strict default is the tests'
    // business (tests/self-test/rotation-policies.spec.ts), not the bench's.
    const client = await control.createClient({ rotation: 'never', revokePreviousAccessTokens: false });
    const envFile = path.join(work, 'bench.env');
    await writeFile(
      envFile,
      `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET=${client.clientSecret}\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
      {
        mode: 0o600,
      },
    );
    const gotoEnv = {
      GOTO_TARGET: 'goto',
      GOTO_ENV_FILE: envFile,
      GOTO_AUTH_BASE_URL: emulator.url,
      GOTO_API_BASE_URL: emulator.url,
    };
    await new TokenChain((request) => sendRequest(request), gotoEnv).exchangeCode({
      code: (await control.issueCode(client.clientId)).code,
    });
    const tokenRequests = async () =>
      (await control.requests(client.clientId)).filter((request) => request.route === 'token').length;

    const floor: number[] = [];
    const chain: number[] = [];
    const freshClone: number[] = [];
    const plain: number[] = [];
    const tokenRequestsPerRun: number[] = [];
    const freshEnvFile = path.join(work, 'fresh-clone.env');
    for (let run = 0; run < runs; run++) {
      floor.push(
        await timedProcess(
          [
            cli,
            'test',
            '-c',
            'bench/playwright.config.ts',
            '--project=floor',
            '--reporter=dot',
            `--output=${work}/floor`,
          ],
          {},
        ),
      );
      chain.push(await timedProcess([cli, 'test', '--reporter=dot', `--output=${work}/chain`], gotoEnv));
      // No env file, nothing configured: what `npx playwright test` does on a fresh clone.
      await rm(freshEnvFile, { force: true });
      freshClone.push(
        await timedProcess([cli, 'test', '--reporter=dot', `--output=${work}/fresh`], { GOTO_ENV_FILE: freshEnvFile }),
      );
      const before = await tokenRequests();
      await timedProcess([cli, 'test', '--workers=4', '--reporter=dot', `--output=${work}/workers`], gotoEnv);
      tokenRequestsPerRun.push((await tokenRequests()) - before);
      const stored = readEnvValues(envFile);
      plain.push(
        await timedProcess([path.join(root, 'bench', 'plain-fetch-chain.js')], {
          BENCH_AUTH: emulator.url,
          BENCH_API: emulator.url,
          BENCH_CLIENT_ID: client.clientId,
          BENCH_CLIENT_SECRET: client.clientSecret,
          BENCH_REFRESH_TOKEN: stored.GOTO_REFRESH_TOKEN,
        }),
      );
    }

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
      {
        GOTO_EMULATOR_URL: emulator.url,
        BENCH_RESULT_FILE: resultFile,
      },
    );
    const perRequest = JSON.parse(await readFile(resultFile, 'utf8')) as { collection: number[]; fetchOnly: number[] };

    const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
    const ratio = (value: number[], base: number[], target: string) =>
      `${(median(value) / median(base)).toFixed(2)}× ${target}`;
    const rows: [string, string, string][] = [
      ['Playwright start-up floor (one empty test)', ms(median(floor)), '1.00×'],
      ['Daily chain, whole `npx playwright test`', ms(median(chain)), ratio(chain, floor, 'floor (target ≤ 1.15×)')],
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
    const width = Math.max(...rows.map(([name]) => name.length));
    process.stdout.write(
      [
        `goto-token-runner benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} ` +
          `× ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`,
        `medians of ${runs} runs; ${perRequest.collection.length} requests per sender`,
        '',
        ...rows.map(([name, value, ratio]) => `${name.padEnd(width)}  ${value.padStart(9)}  ${ratio}`),
        '',
        `Token requests per daily run with --workers=4: ${tokenRequestsPerRun.join(', ')} (target: exactly 1 each)`,
        '',
      ].join('\n'),
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
