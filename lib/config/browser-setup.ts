import { composeMessage, type AuthorizeError } from '../errors';
import { chooseChromium, type ChromiumChoice } from './chromium';

/** One command the setup may run to get a browser: `false` when it failed, however. */
export type RunCommand = (command: string, args: readonly string[], env?: Record<string, string>) => Promise<boolean>;

export type BrowserSetupMachine = {
  env: Record<string, string | undefined>;
  /** Where Playwright's own Chromium is, installed or not (`chromium.executablePath()`). */
  playwrightChromium: string;
  /** Runs Playwright's CLI (`playwright install chromium`) in this project's Playwright. */
  playwrightCli: string;
  /** Whether this process may install system packages (root), and apt-get is on PATH. */
  canApt: boolean;
  run: RunCommand;
  /** One line of progress, before an install that takes a while (apt-get's). */
  say: (line: string) => void;
  /** Which Chromium a browser step would launch now (lib/config/chromium.ts); a stand-in in tests. */
  choose?: () => ChromiumChoice;
};

export type BrowserSetup =
  | { ok: true; chromium: Exclude<ChromiumChoice, { kind: 'missing' }>; got: 'found' | 'playwright' | 'apt' }
  | { ok: false; line: string };

/**
 * Makes sure `npm test`'s browser tests (the browser login and UI mode) have a Chromium
 * before any test starts: the one a browser step would find (CHROMIUM_PATH, Playwright's,
 * a system one at a usual path); else Playwright's download (`npx playwright install
 * chromium`), where its CDN is reachable; else, as root where apt-get is, Debian's
 * `chromium` (what .ci/run relied on before). When none of that works, one line says
 * exactly what to install, rather than six browser tests failing one by one.
 */
export async function setUpBrowser(machine: BrowserSetupMachine): Promise<BrowserSetup> {
  const choose = machine.choose ?? (() => chooseChromium(machine.playwrightChromium, machine.env));
  const first = choose();
  if (first.kind !== 'missing') return { ok: true, chromium: first, got: 'found' };
  // A CHROMIUM_PATH that names nothing is a mistake to fix, not a reason to install another browser.
  if (machine.env.CHROMIUM_PATH) return { ok: false, line: `npm test: ${oneLine(first.error)}` };

  // Quiet: where the download is not reachable, the one line below is all a person should read.
  if (await machine.run(process.execPath, [machine.playwrightCli, 'install', 'chromium'])) {
    const got = choose();
    if (got.kind !== 'missing') return { ok: true, chromium: got, got: 'playwright' };
  }
  if (machine.canApt) {
    machine.say('npm test: Playwright’s download is not reachable; installing Debian’s chromium (apt-get, as root)…');
    const got = (await aptGetInstall(machine.run, ['chromium'])) ? choose() : first;
    if (got.kind !== 'missing') return { ok: true, chromium: got, got: 'apt' };
  }
  const failed = machine.canApt ? 'Playwright’s download and apt-get both failed.' : 'Playwright’s download failed.';
  return { ok: false, line: `npm test: ${oneLine(first.error, failed)}` };
}

/**
 * `apt-get install -y -qq ARGS…`, without questions. A fresh machine may have no package lists
 * yet: they are updated (`apt-get update`) only when the install needs it, then it is tried again.
 */
export async function aptGetInstall(run: RunCommand, args: readonly string[]): Promise<boolean> {
  const apt = { DEBIAN_FRONTEND: 'noninteractive' };
  return (
    (await run('apt-get', ['install', '-y', '-qq', ...args], apt)) ||
    ((await run('apt-get', ['update', '-qq'], apt)) && (await run('apt-get', ['install', '-y', '-qq', ...args], apt)))
  );
}

/** The browser steps' own message (AuthorizeError's: one wording for both), on one line. */
function oneLine(error: AuthorizeError, ...facts: string[]): string {
  return composeMessage({ headline: error.headline, details: facts, advice: error.advice }).replaceAll('\n', ' ');
}
