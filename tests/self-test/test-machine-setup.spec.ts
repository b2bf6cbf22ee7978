import { expect, test } from './fixtures';
import { setUpBrowser, type BrowserSetupMachine } from '../../lib/config/browser-setup';
import type { ChromiumChoice } from '../../lib/config/chromium';
import { AuthorizeError } from '../../lib/errors';

// `npm test`'s first step on a machine with or without a browser (scripts/ensure-browser.ts).
// The machine is a stand-in that records what the setup ran and installs what a command
// would install; the real script ran on this machine with Chromium removed, as the README says.

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
