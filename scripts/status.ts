/**
 * Prints what the env file holds and how long its tokens last, without showing a secret:
 * which variables are set, when the access token expires, the refresh token's age and days
 * left, the account, the target and its hosts, and a recovery file with tokens if one is
 * waiting beside the env file. Reads the settings as the collection does
 * (GOTO_ENV_FILE or .env, and the environment). With GOTO_GRANT_STORE set, the tokens are
 * the grant store's: it reads the record once (no lease, no write) and shows the store, the
 * record's version and state, and who wrote it last.
 *
 *   npm run status              (add `-- --strict` in CI)
 *
 * Exit code: 0 while a token is usable (with a warning when the refresh token has fewer
 * than GOTO_REFRESH_WARN_DAYS days left), 1 when none is (a person must authorize again;
 * also a grant store holding no grant, or one marked needs-reauth), 2 when the settings are
 * invalid or cannot be read, or the grant store does not answer. With --strict a warning
 * exits 1 too, so a CI check fails while there is still time to act.
 */
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isGotoRunnerError } from '../lib/errors';
import { grantStoreSelected } from '../lib/config/env-target';
import { readStoreView } from '../lib/status/read-store-view';
import { loadSettings } from '../lib/config/goto-settings';
import { readEnvValues } from '../lib/env-file/env-reader';
import { tokenStatus } from '../lib/status/token-status';
import { renderStatus, useColor } from '../lib/status/render-status';
import { recoveryPathOf } from '../lib/custody/token-recovery';
import { storeRecoveryPath } from '../lib/custody/store-recovery';

/** Where the env file really is: the recovery file sits beside a symlink's target. */
function realEnvFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The flags, by node:util's parser: an unknown or misspelt one is refused by name, not ignored. */
function readFlags(): { strict: boolean } {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { strict: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  return { strict: values.strict === true };
}

async function main(): Promise<void> {
  const { strict } = readFlags();
  const settings = loadSettings();
  const fileValues = readEnvValues(settings.envFile);
  const store = grantStoreSelected(process.env) ? await readStoreView(process.env, fileValues) : undefined;
  // With a store, GoTo's answers wait for it in a recovery file of that store and grant.
  const recoveryFile = store
    ? storeRecoveryPath(realEnvFile(settings.envFile), store)
    : recoveryPathOf(realEnvFile(settings.envFile));
  const recovery = { path: recoveryFile, keys: Object.keys(readEnvValues(recoveryFile)) };
  const status = tokenStatus({
    settings,
    env: process.env,
    fileValues,
    now: new Date(),
    recovery,
    ...(store ? { store } : {}),
  });
  process.stdout.write(renderStatus(status, { color: useColor(process.env, process.stdout.isTTY === true) }));
  process.exitCode = strict && status.verdict.some((line) => line.tone === 'warn') ? 1 : status.exitCode;
}

main().catch((error: unknown) => {
  // Exit 2, not 1: "no usable token" must not be confused with "could not tell".
  const message =
    isGotoRunnerError(error, 'ConfigError') || isGotoRunnerError(error, 'GrantStoreError')
      ? error.message
      : (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
        ? `${(error as Error).message}\nUsage: npm run status [-- --strict]`
        : `Cannot read the settings: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exitCode = 2;
});
