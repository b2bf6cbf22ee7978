import { composeMessage } from '../errors';
import { aptGetInstall, setUpBrowser, type BrowserSetup, type BrowserSetupMachine } from './browser-setup';

/** A program the grant store's tests run, and the Debian package it comes in (servers/store-servers.ts's table). */
export type StoreBinary = { file: string; debianPackage: string };

export type TestMachine = BrowserSetupMachine & {
  /** The programs the store servers run: servers/store-servers.ts's `storeServerBinaries`. */
  storeBinaries: readonly StoreBinary[];
  /** Whether a file is there (`existsSync`); a stand-in in tests. */
  exists: (file: string) => boolean;
};

export type StoreServersSetup = { ok: true; got: 'found' | 'apt'; packages: string[] } | { ok: false; line: string };

/**
 * Makes sure the grant store's tests have their servers (redis-server, PostgreSQL 15, PgBouncer)
 * before any test starts: as root where apt-get is, the missing Debian packages are installed
 * (what .ci/run did before); otherwise one line names exactly what to install, rather than
 * every store test failing on its own. GOTO_TEST_REDIS_URL and GOTO_TEST_POSTGRES_URL do not
 * make them unneeded: the tests that stop or restart a server start their own, and PgBouncer
 * always runs locally (docs/grant-store.md, "Tests").
 */
export async function setUpStoreServers(machine: TestMachine): Promise<StoreServersSetup> {
  const missing = () => machine.storeBinaries.filter((binary) => !machine.exists(binary.file));
  const first = missing();
  const packages = [...new Set(first.map((binary) => binary.debianPackage))];
  if (packages.length === 0) return { ok: true, got: 'found', packages };

  if (machine.canApt) {
    machine.say(`npm test: installing ${packages.join(', ')} for the grant store’s tests (apt-get, as root)…`);
    if ((await aptGetInstall(machine.run, ['--no-install-recommends', ...packages])) && missing().length === 0)
      return { ok: true, got: 'apt', packages };
  }
  const message = composeMessage({
    headline: `The grant store’s tests need ${first.map((binary) => binary.file).join(', ')}, which this machine lacks.`,
    details: machine.canApt ? ['apt-get failed.'] : [],
    advice:
      `install Debian’s ${packages.join(', ')} (\`sudo apt-get install ${packages.join(' ')}\`` +
      (packages.includes('postgresql-15') ? '; postgresql-15 is in Debian 12, elsewhere in apt.postgresql.org' : '') +
      '), then run npm test again',
  });
  return { ok: false, line: `npm test: ${message.replaceAll('\n', ' ')}` };
}

export type TestMachineSetup = {
  stores: StoreServersSetup;
  browser: BrowserSetup;
  /** Set when `npm test` should stop: everything missing, on one line. */
  line?: string;
};

/**
 * `npm test`'s first step: the store servers, then a Chromium (lib/config/browser-setup.ts).
 * Both are tried, so that when either is missing the one line names all there is to install.
 */
export async function setUpTestMachine(machine: TestMachine): Promise<TestMachineSetup> {
  const stores = await setUpStoreServers(machine);
  const browser = await setUpBrowser(machine);
  const failed = [browser, stores].flatMap((setup) => (setup.ok ? [] : [setup.line.replace(/^npm test: /, '')]));
  return { stores, browser, ...(failed.length > 0 ? { line: `npm test: ${failed.join(' ')}` } : {}) };
}
