/**
 * Moves the grant between the env file and the grant store GOTO_GRANT_STORE names (Redis or
 * PostgreSQL; docs/grant-store.md), without printing a token, the store's URL or its key.
 *
 *   npm run grant -- move-to-store [--force]
 *     The env file's grant (GOTO_ENV_FILE, default .env) becomes the store's next version,
 *     then its tokens are removed from the env file. Refuses when the store holds another
 *     live grant not known to be older (--force replaces it).
 *   npm run grant -- read-from-store [--force]
 *     The store's grant is written into the env file, for a holder that cannot reach the
 *     store. Refuses to overwrite another refresh token there (--force does).
 *
 * Exit code: 0 done; 1 refused or failed (nothing changed, or, when the env file could not be
 * cleaned after a move, what is left is printed); 2 a usage or settings error.
 */
import { parseArgs } from 'node:util';
import { loadSettings } from '../lib/config/goto-settings';
import { formatTime } from '../lib/status/status-layout';
import { composeMessage, isGotoRunnerError } from '../lib/errors';
import { moveToStore, type MoveResult } from '../lib/grant-transfer/move-to-store';
import { readFromStore, type ReadResult } from '../lib/grant-transfer/read-from-store';

const usage = 'Usage: npm run grant -- move-to-store [--force]\n       npm run grant -- read-from-store [--force]';
const commands = ['move-to-store', 'read-from-store'] as const;
type Command = (typeof commands)[number];

/** A command line this script does not take: said with the usage, and exit code 2. */
class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${usage}`);
  }
}

/** The command and flags, by node:util's parser: an unknown or misspelt one is refused by name. */
function readArguments(): { command: Command; force: boolean } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ...extra] = parsed.positionals;
  if (!command) throw new UsageError('Say what to do: move-to-store or read-from-store.');
  if (!commands.includes(command as Command)) throw new UsageError(`Unknown command "${command}".`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  return { command: command as Command, force: parsed.values.force === true };
}

function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    options: { force: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
}

const keyList = (keys: string[]) => keys.join(', ');

function movedReport(result: MoveResult, envFile: string): { text: string; exitCode: 0 | 1 } {
  const file = JSON.stringify(envFile);
  if (result.left)
    return { text: [whatMoved(result, file), copyLeftBehind(result.left, file)].join('\n'), exitCode: 1 };
  return { text: [whatMoved(result, file), ...afterMove(result, file)].join('\n'), exitCode: 0 };
}

function whatMoved(result: MoveResult, file: string): string {
  if (result.outcome === 'already-there')
    return (
      `The grant store (${result.store}) already holds the refresh token of ${file} ` +
      `(${result.refreshToken}) as version ${result.version}; nothing was written to it.`
    );
  return (
    `Moved the grant of ${file} (refresh token ${result.refreshToken}) into the grant store ` +
    `(${result.store}) as version ${result.version}` +
    (result.replaced ? `, over version ${result.replaced.version} (${result.replaced.state}).` : ', its first.')
  );
}

/** Two live copies of the refresh token: a failure, since a refresh with either one kills the other. */
function copyLeftBehind(left: NonNullable<MoveResult['left']>, file: string): string {
  return composeMessage({
    headline:
      `Could not remove ${keyList(left.keys)} from ${file} (${left.reason}): ` +
      'it still holds a copy of the refresh token beside the store. Do not refresh with it: whichever copy ' +
      'GoTo rotates, the other stops working.',
    advice: `delete ${keyList(left.keys)} from ${file} yourself`,
  });
}

/** What the env file kept, what every holder needs next, and a warning when the tokens are stored in clear. */
function afterMove(result: MoveResult, file: string): string[] {
  const lines = [
    result.removed.length > 0
      ? `Removed ${keyList(result.removed)} from ${file}, every other line kept: the store holds the only copy.`
      : `${file} held no token to remove.`,
    'Next: give every holder (the app, CI, this machine) GOTO_GRANT_STORE and GOTO_GRANT_STORE_KEY; ' +
      '`npm run status` shows the grant in the store.',
  ];
  if (!result.encrypted)
    lines.push(
      'Warning: GOTO_GRANT_STORE_KEY is not set, so the tokens are stored in clear. To encrypt them: ' +
        '`npm run grant -- read-from-store`, delete the record (docs/grant-store.md, "Encryption"), set GOTO_GRANT_STORE_KEY ' +
        '(`openssl rand -base64 32`), and move the grant in again.',
    );
  return lines;
}

function readReport(result: ReadResult, envFile: string): string {
  const file = JSON.stringify(envFile);
  const expiry = result.accessTokenExpiresAt
    ? `; the access token expires ${formatTime(new Date(result.accessTokenExpiresAt))}`
    : '';
  return [
    `Wrote version ${result.version} of the grant in the grant store (${result.store}) into ${file}: ` +
      `${keyList(result.written)} (refresh token ${result.refreshToken}${expiry}).`,
    `This copy goes stale at the next rotation: when GoTo rotates the refresh token for a holder of the store, ` +
      `the one in ${file} stops working. A run that refreshes with this copy does so without the store's lease, ` +
      "and if GoTo rotates the token for it, the store's copy stops working for every holder until you move " +
      'this one back (`npm run grant -- move-to-store`).',
  ].join('\n');
}

async function main(): Promise<void> {
  const { command, force } = readArguments();
  const settings = loadSettings();
  const options = { env: process.env, envFile: settings.envFile, force, lockTimeoutMs: settings.lockTimeoutMs };
  if (command === 'move-to-store') {
    const onWait = (holder: string | undefined) =>
      process.stderr.write(
        `Waiting for the lease of the grant store, held by ${holder ?? 'another holder'} for its token request…\n`,
      );
    const { text, exitCode } = movedReport(await moveToStore({ ...options, onWait }), settings.envFile);
    process.stdout.write(`${text}\n`);
    process.exitCode = exitCode;
  } else {
    process.stdout.write(`${readReport(await readFromStore(options), settings.envFile)}\n`);
  }
}

function unexpected(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return `Unexpected error: ${error instanceof Error ? error.name : typeof error}${typeof code === 'string' ? ` (${code})` : ''}`;
}

main().catch((error: unknown) => {
  // Our errors say what happened and what to do, and never hold a secret; anything else is
  // named by its class and code only, as a driver's message may quote a URL.
  const ours = error instanceof UsageError || isGotoRunnerError(error);
  process.stderr.write(`${ours ? error.message : unexpected(error)}\n`);
  process.exitCode = error instanceof UsageError || isGotoRunnerError(error, 'ConfigError') ? 2 : 1;
});
