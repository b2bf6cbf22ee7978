import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from './fixtures';
import { setUpBrowser, type BrowserSetupMachine } from '../../lib/config/browser-setup';
import type { ChromiumChoice } from '../../lib/config/chromium';
import { setUpStoreServers, setUpTestMachine, type TestMachine } from '../../lib/config/test-machine-setup';
import { AuthorizeError } from '../../lib/errors';
import { storeServerBinaries } from '../../servers/store-servers';
import { childEnv, repositoryRoot } from './helpers/child-env';

// `npm test`'s first step (scripts/ensure-test-machine.ts) on a machine with or without a
// browser and the grant store's servers. The machine is a stand-in that records what the setup
// ran and installs what a command would install; the real script ran on this machine with
// Chromium removed, as the README says, and runs below where it must stop, installing nothing.

type Stand = {
  machine: BrowserSetupMachine;
  /** Each command the setup ran, as `command args…`. */
  ran: string[];
  said: string[];
};

/**
 * A machine with no Chromium, where each command in `succeeds` works and installs the
 * browser it is for (`playwright install` Playwright's; `apt-get install` Debian's, and
 * only once `apt-get update` ran when `needsUpdate`).
 */
function machineWithout(
  options: { succeeds?: string[]; canApt?: boolean; needsUpdate?: boolean; env?: Record<string, string> } = {},
): Stand {
  const ran: string[] = [];
  const said: string[] = [];
  let installed: ChromiumChoice = {
    kind: 'missing',
    error: new AuthorizeError('AUTHORIZE_NO_BROWSER', { missing: 'chromium' }),
  };
  let updated = false;
  const machine: BrowserSetupMachine = {
    env: options.env ?? {},
    playwrightChromium: '/home/me/.cache/ms-playwright/chromium/chrome',
    playwrightCli: '/repo/node_modules/@playwright/test/cli.js',
    canApt: options.canApt ?? false,
    say: (line) => said.push(line),
    choose: () => installed,
    run: (command, args) => Promise.resolve(runOn(command, args)),
  };
  function runOn(command: string, args: readonly string[]): boolean {
    const line = [command === process.execPath ? 'node' : command, ...args].join(' ');
    ran.push(line);
    if (!(options.succeeds ?? []).some((prefix) => line.startsWith(prefix))) return false;
    if (line.includes('playwright') && line.endsWith('install chromium')) installed = { kind: 'playwright' };
    if (line.startsWith('apt-get update')) updated = true;
    if (line.startsWith('apt-get install')) {
      if (options.needsUpdate && !updated) return false;
      installed = { kind: 'system', executablePath: '/usr/bin/chromium' };
    }
    return true;
  }
  return { machine, ran, said };
}

test('a machine with a Chromium runs nothing and goes on', async () => {
  const stand = machineWithout();
  stand.machine.choose = () => ({ kind: 'system', executablePath: '/usr/bin/chromium' });

  expect(await setUpBrowser(stand.machine)).toMatchObject({ ok: true, got: 'found' });
  expect(stand.ran).toEqual([]);
});

test('with no Chromium, Playwright’s download comes first, and is all that runs when it works', async () => {
  const stand = machineWithout({ succeeds: ['node /repo/node_modules/@playwright/test/cli.js install chromium'] });

  expect(await setUpBrowser(stand.machine)).toMatchObject({ ok: true, got: 'playwright' });
  expect(stand.ran).toEqual(['node /repo/node_modules/@playwright/test/cli.js install chromium']);
});

test('as root where the download is unreachable, Debian’s chromium is installed with apt-get, saying so first', async () => {
  const stand = machineWithout({ canApt: true, succeeds: ['apt-get install'] });

  expect(await setUpBrowser(stand.machine)).toMatchObject({
    ok: true,
    got: 'apt',
    chromium: { kind: 'system', executablePath: '/usr/bin/chromium' },
  });
  expect(stand.ran).toEqual([
    'node /repo/node_modules/@playwright/test/cli.js install chromium',
    'apt-get install -y -qq chromium',
  ]);
  expect(stand.said).toEqual([expect.stringContaining('installing Debian’s chromium (apt-get, as root)')]);
});

test('on a fresh machine without package lists, apt-get update runs once the install needs it', async () => {
  const stand = machineWithout({ canApt: true, needsUpdate: true, succeeds: ['apt-get'] });

  expect(await setUpBrowser(stand.machine)).toMatchObject({ ok: true, got: 'apt' });
  expect(stand.ran.slice(1)).toEqual([
    'apt-get install -y -qq chromium',
    'apt-get update -qq',
    'apt-get install -y -qq chromium',
  ]);
});

test('without root and without the download, it stops with one line that says what to install, having tried only the download', async () => {
  const stand = machineWithout();

  const setup = await setUpBrowser(stand.machine);

  expect(setup.ok).toBe(false);
  const line = setup.ok ? '' : setup.line;
  expect(line.split('\n'), 'one line').toHaveLength(1);
  expect(line).toContain('npx playwright install chromium');
  expect(line).toContain('sudo apt-get install chromium');
  expect(line).toContain('CHROMIUM_PATH');
  expect(stand.said, 'nothing but that line').toEqual([]);
  expect(stand.ran).toEqual(['node /repo/node_modules/@playwright/test/cli.js install chromium']);
});

test('as root, when apt-get fails too, the line says both failed', async () => {
  const stand = machineWithout({ canApt: true });

  const setup = await setUpBrowser(stand.machine);

  expect(setup).toMatchObject({
    ok: false,
    line: expect.stringContaining('Playwright’s download and apt-get both failed'),
  });
  expect(stand.ran.filter((line) => line.startsWith('apt-get'))).toEqual([
    'apt-get install -y -qq chromium',
    'apt-get update -qq',
  ]);
});

test('a CHROMIUM_PATH that names no file stops at once, naming it, and installs nothing', async () => {
  const stand = machineWithout({
    canApt: true,
    succeeds: ['apt-get', 'node'],
    env: { CHROMIUM_PATH: '/opt/none/chrome' },
  });
  stand.machine.choose = () => ({
    kind: 'missing',
    error: new AuthorizeError('AUTHORIZE_NO_BROWSER', { missing: 'chromium-path', chromiumPath: '/opt/none/chrome' }),
  });

  const setup = await setUpBrowser(stand.machine);

  expect(setup).toMatchObject({
    ok: false,
    line: expect.stringContaining('(/opt/none/chrome). What to do: fix CHROMIUM_PATH, or unset it.'),
  });
  expect(stand.ran).toEqual([]);
});

// The grant store's servers: the real table of programs and Debian packages, on a stand-in machine.

const everyStoreFile = Object.values(storeServerBinaries).map((binary) => binary.file);

/**
 * A machine with a Chromium, with only the store programs in `present`, where each command in
 * `succeeds` works and an `apt-get install` puts the packages it names in place (only once
 * `apt-get update` ran when `needsUpdate`).
 */
function machineWithStores(
  options: {
    present?: string[];
    succeeds?: string[];
    canApt?: boolean;
    needsUpdate?: boolean;
    env?: Record<string, string>;
  } = {},
): Stand & { machine: TestMachine } {
  const ran: string[] = [];
  const said: string[] = [];
  const files = new Set(options.present ?? []);
  let updated = false;
  const machine: TestMachine = {
    ...machineWithout().machine,
    env: options.env ?? {},
    canApt: options.canApt ?? false,
    say: (line) => said.push(line),
    choose: () => ({ kind: 'system', executablePath: '/usr/bin/chromium' }),
    storeBinaries: Object.values(storeServerBinaries),
    exists: (file) => files.has(file),
    run: (command, args) => {
      const line = [command === process.execPath ? 'node' : command, ...args].join(' ');
      ran.push(line);
      if (!(options.succeeds ?? []).some((prefix) => line.startsWith(prefix))) return Promise.resolve(false);
      if (line.startsWith('apt-get update')) updated = true;
      if (line.startsWith('apt-get install')) {
        if (options.needsUpdate && !updated) return Promise.resolve(false);
        for (const binary of Object.values(storeServerBinaries))
          if (args.includes(binary.debianPackage)) files.add(binary.file);
      }
      return Promise.resolve(true);
    },
  };
  return { machine, ran, said };
}

const ownServers = { GOTO_TEST_REDIS_URL: 'redis://mine:6379', GOTO_TEST_POSTGRES_URL: 'postgres://mine/db' };

const storeCases: {
  name: string;
  machine: Parameters<typeof machineWithStores>[0];
  outcome: { ok: true; got: 'found' | 'apt' } | { ok: false; says: string[] };
  ran: string[];
}[] = [
  {
    name: 'all there: nothing runs',
    machine: { present: everyStoreFile, canApt: true, succeeds: ['apt-get'] },
    outcome: { ok: true, got: 'found' },
    ran: [],
  },
  {
    name: 'all missing, as root where apt-get is: the three Debian packages are installed',
    machine: { canApt: true, succeeds: ['apt-get'] },
    outcome: { ok: true, got: 'apt' },
    ran: ['apt-get install -y -qq --no-install-recommends redis-server postgresql-15 pgbouncer'],
  },
  {
    name: 'only PgBouncer missing, as root: only pgbouncer is installed',
    machine: {
      present: [storeServerBinaries.redis.file, storeServerBinaries.postgres.file, storeServerBinaries.initdb.file],
      canApt: true,
      succeeds: ['apt-get'],
    },
    outcome: { ok: true, got: 'apt' },
    ran: ['apt-get install -y -qq --no-install-recommends pgbouncer'],
  },
  {
    name: 'a fresh machine without package lists, as root: apt-get update runs once the install needs it',
    machine: { present: [storeServerBinaries.pgbouncer.file], canApt: true, needsUpdate: true, succeeds: ['apt-get'] },
    outcome: { ok: true, got: 'apt' },
    ran: [
      'apt-get install -y -qq --no-install-recommends redis-server postgresql-15',
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends redis-server postgresql-15',
    ],
  },
  {
    name: 'missing without root or apt-get: one line names exactly what to install, and nothing runs',
    machine: { present: [storeServerBinaries.postgres.file, storeServerBinaries.initdb.file] },
    outcome: {
      ok: false,
      says: [
        '/usr/bin/redis-server, /usr/sbin/pgbouncer, which this machine lacks',
        'What to do: install Debian’s redis-server, pgbouncer (`sudo apt-get install redis-server pgbouncer`), then run npm test again.',
      ],
    },
    ran: [],
  },
  {
    name: 'as root, when apt-get fails: the line says so and names the packages, PostgreSQL 15’s source too',
    machine: { canApt: true },
    outcome: {
      ok: false,
      says: [
        'apt-get failed.',
        '`sudo apt-get install redis-server postgresql-15 pgbouncer`; postgresql-15 is in Debian 12, elsewhere in apt.postgresql.org)',
      ],
    },
    ran: ['apt-get install -y -qq --no-install-recommends redis-server postgresql-15 pgbouncer', 'apt-get update -qq'],
  },
  {
    // Tests that stop or restart a server start their own, and PgBouncer always runs locally
    // (docs/grant-store.md): with servers of your own, npm test would still fail without them.
    name: 'servers of your own (GOTO_TEST_REDIS_URL, GOTO_TEST_POSTGRES_URL) do not make the programs unneeded',
    machine: { env: ownServers },
    outcome: { ok: false, says: ['`sudo apt-get install redis-server postgresql-15 pgbouncer`'] },
    ran: [],
  },
];

for (const { name, machine, outcome, ran } of storeCases) {
  test(`store servers: ${name}`, async () => {
    const stand = machineWithStores(machine);

    const setup = await setUpStoreServers(stand.machine);

    expect(stand.ran).toEqual(ran);
    if (outcome.ok) {
      expect(setup).toMatchObject(outcome);
      expect(stand.said, 'says it installs before it does').toEqual(
        ran.length > 0 ? [expect.stringContaining('for the grant store’s tests (apt-get, as root)')] : [],
      );
      return;
    }
    expect(setup.ok).toBe(false);
    const line = setup.ok ? '' : setup.line;
    expect(line.split('\n'), 'one line').toHaveLength(1);
    expect(line).toMatch(/^npm test: The grant store’s tests need /);
    for (const part of outcome.says) expect(line).toContain(part);
    expect(line, 'names no way out that would still fail').not.toContain('GOTO_TEST_');
  });
}

test('with neither Chromium nor the store servers and no root, one line names all there is to install', async () => {
  const stand = machineWithStores();
  stand.machine.choose = () => ({
    kind: 'missing',
    error: new AuthorizeError('AUTHORIZE_NO_BROWSER', { missing: 'chromium' }),
  });

  const setup = await setUpTestMachine(stand.machine);

  expect(setup.line?.split('\n'), 'one line').toHaveLength(1);
  expect(setup.line).toMatch(/^npm test: /);
  expect(setup.line?.match(/npm test: /g), '"npm test:" once').toHaveLength(1);
  expect(setup.line).toContain('npx playwright install chromium');
  expect(setup.line).toContain('sudo apt-get install redis-server postgresql-15 pgbouncer');
  expect(stand.ran, 'only the download was tried').toEqual([
    'node /repo/node_modules/@playwright/test/cli.js install chromium',
  ]);
});

test('with everything there, the setup says nothing and gives no line', async () => {
  const stand = machineWithStores({ present: everyStoreFile });

  const setup = await setUpTestMachine(stand.machine);

  expect(setup).toMatchObject({ stores: { ok: true, got: 'found' }, browser: { ok: true, got: 'found' } });
  expect(setup.line).toBeUndefined();
  expect([...stand.ran, ...stand.said]).toEqual([]);
});

test('package.json’s pretest runs scripts/ensure-test-machine.ts, which stops with exit code 1 and one line, installing nothing', async () => {
  test.setTimeout(120_000);
  const { scripts } = JSON.parse(await readFile(path.join(repositoryRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [tool, ...args] = (scripts.pretest ?? '').split(' ');
  expect([tool, ...args]).toEqual(['ts-node', '--transpile-only', 'scripts/ensure-test-machine.ts']);
  // A PATH without apt-get: the script may not install, whoever runs it (root included).
  const emptyPath = test.info().outputPath('empty-path');
  await mkdir(emptyPath, { recursive: true });

  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), ...args], {
    cwd: repositoryRoot,
    env: childEnv({ PATH: emptyPath, CHROMIUM_PATH: '/nonexistent' }, { base: 'path' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(exitCode).toBe(1);
  expect(stderr.split('\n'), 'exactly one line').toEqual([expect.stringMatching(/^npm test: /), '']);
  expect(stderr).toContain('(/nonexistent). What to do: fix CHROMIUM_PATH, or unset it.');
});
