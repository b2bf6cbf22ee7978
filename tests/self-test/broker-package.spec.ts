import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './fixtures';
import { copyCheckout } from './helpers/checkout-copy';
import { childEnv } from './helpers/child-env';
import { authorize, refreshesReceived, sharedGrant } from './helpers/grant-holders';

const run = promisify(execFile);

// Packing builds the broker (esbuild and tsc) and installing runs npm: minutes on a loaded machine.
test.describe.configure({ timeout: 10 * 60_000 });

/*
 * The broker as an app gets it: the project packed (`npm pack`, which builds dist/ in its
 * `prepack`), the tarball installed with npm into an app folder outside the checkout (no
 * Playwright anywhere above it), and a route of that app, shaped as a Vercel Node function
 * (`export async function GET(request)`), called by plain Node with the app's environment.
 */

/** The app's route: what docs/broker.md shows, in plain JavaScript. */
const route = `
import { createGrantBroker } from 'goto-token-runner/broker';

const broker = createGrantBroker({ name: 'scratch-app' });

export async function GET() {
  const { organizerKey } = await broker.accessToken();
  const from = '2020-01-01T00:00:00Z';
  const to = '2030-01-01T00:00:00Z';
  const response = await broker.fetch(
    \`\${process.env.GOTO_API_BASE_URL}/G2W/rest/v2/organizers/\${organizerKey}/webinars?fromTime=\${from}&toTime=\${to}\`,
  );
  const body = await response.json();
  return Response.json({ status: response.status, webinars: body._embedded?.webinars?.length ?? 0 });
}

export async function close() {
  await broker.close();
}
`;

/** Imports the route as Vercel would, then calls it: once, then \`parallel\` times at once; prints what it saw. */
const caller = `
const started = performance.now();
const route = await import('./api/webinars.js');
const imported = performance.now();
const first = await (await route.GET(new Request('http://localhost/api/webinars'))).json();
const called = performance.now();
const parallel = Number(process.argv[2] ?? 0);
const more = await Promise.all(
  Array.from({ length: parallel }, async () => (await route.GET(new Request('http://localhost/api/webinars'))).json()),
);
await route.close();
console.log(JSON.stringify({ importMs: imported - started, firstCallMs: called - imported, answers: [first, ...more] }));
`;

/** A TypeScript file of the app that uses the broker's types as a route would. */
const typed = `
import { createGrantBroker, isGotoRunnerError, type BrokerToken } from 'goto-token-runner/broker';

const broker = createGrantBroker({ name: 'typed', timings: { minValidityMs: 600_000 } });
export async function organizer(): Promise<string | undefined> {
  try {
    const token: BrokerToken = await broker.accessToken();
    const expires: number = Date.parse(token.expiresAt);
    return expires > 0 ? token.organizerKey : undefined;
  } catch (error) {
    if (isGotoRunnerError(error, 'GrantHolderError') && error.code === 'GRANT_NEEDS_REAUTH') return undefined;
    throw error;
  }
}
`;

type AppRun = { importMs: number; firstCallMs: number; answers: { status: number; webinars: number }[] };

test('the packed project installs into an app without Playwright, whose Vercel-shaped route gets its token from the broker and recovers from a rejected one with one refresh', async ({
  emulator,
  emulatorClient,
}) => {
  const work = await mkdtemp(path.join(tmpdir(), 'goto-broker-app-'));
  try {
    const checkout = path.join(work, 'checkout');
    await copyCheckout(checkout);
    const npm = (args: string[], cwd: string) =>
      run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd,
        env: { ...process.env, npm_config_update_notifier: 'false' },
        maxBuffer: 64 * 1024 * 1024,
      });
    const packed = JSON.parse((await npm(['pack', '--json', '--pack-destination', work], checkout)).stdout) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = path.join(work, packed[0]?.filename ?? '-');
    const files = packed[0]?.files.map((file) => file.path) ?? [];
    expect(files).toEqual(expect.arrayContaining(['dist/broker/index.cjs', 'dist/broker/index.d.cts', 'package.json']));
    expect(files.filter((file) => /^(tests|fixtures|emulator|lib)\//.test(file) || file.includes('.env'))).toEqual([]);

    const app = path.join(work, 'app');
    await mkdir(path.join(app, 'api'), { recursive: true });
    await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', tarball], app);
    expect(existsSync(path.join(app, 'node_modules/@playwright')), 'no Playwright in the app').toBe(false);
    expect(existsSync(path.join(app, 'node_modules/playwright-core'))).toBe(false);
    await writeFile(path.join(app, 'api/webinars.js'), route);
    await writeFile(path.join(app, 'call.mjs'), caller);
    await writeFile(path.join(app, 'typed.ts'), typed);

    // The types an app compiles against, strictly, its own and the package's (skipLibCheck off).
    const tsc = require.resolve('typescript/bin/tsc');
    await run(process.execPath, [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      'false',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'ES2022',
      '--lib',
      'ES2023,DOM',
      '--types',
      'node',
      '--typeRoots',
      path.join(require.resolve('@types/node/package.json'), '../..'),
      path.join(app, 'typed.ts'),
    ]).catch((error: { stdout?: string }) => {
      throw new Error(`the app's TypeScript does not compile against the broker's types:\n${error.stdout}`);
    });

    const shared = await sharedGrant('redis', emulator, emulatorClient);
    const first = await authorize(shared);
    const env = childEnv({
      ...shared.env,
      GOTO_GRANT_NAME: shared.grant,
      GOTO_ORGANIZER_KEY: emulatorClient.user.organizerKey,
    });
    const callApp = async (parallel: number) =>
      JSON.parse((await run(process.execPath, ['call.mjs', String(parallel)], { cwd: app, env })).stdout) as AppRun;

    const warm = await callApp(0);
    expect(warm.answers).toEqual([{ status: 200, webinars: expect.any(Number) }]);
    expect(warm.answers[0]?.webinars).toBeGreaterThan(0);
    expect(await refreshesReceived(shared), 'the stored token served').toHaveLength(0);

    await emulator.revokeAccessTokens(emulatorClient.clientId);
    const mark = (await emulator.requests(emulatorClient.clientId)).length;
    const recovered = await callApp(5);

    expect(recovered.answers).toHaveLength(6);
    expect(recovered.answers.every((answer) => answer.status === 200)).toBe(true);
    const refreshes = await refreshesReceived(shared);
    expect(refreshes, 'one refresh for the rejected token').toHaveLength(1);
    expect(refreshes[0]?.form?.refresh_token).toBe(first.record.refreshToken);
    const issued = (await emulator.accessTokens(emulatorClient.clientId)).at(-1)?.token;
    const calls = (await emulator.requests(emulatorClient.clientId)).slice(mark).filter((r) => r.route === 'webinars');
    expect(calls.at(-1)?.headers.authorization).toBe(`Bearer ${issued}`);
    test.info().annotations.push({
      type: 'broker',
      description: `import ${warm.importMs.toFixed(0)} ms, first call on a warm store ${warm.firstCallMs.toFixed(0)} ms`,
    });
    const bundle = await readFile(path.join(app, 'node_modules/goto-token-runner/dist/broker/index.cjs'), 'utf8');
    expect(bundle).not.toContain('@playwright/test');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
