import { GotoRunnerError } from './goto-runner-error';

export type GrantTransferErrorCode =
  /** GOTO_GRANT_STORE names no Redis or PostgreSQL store to move to or read from. */
  | 'GRANT_STORE_NOT_SET'
  /** The env file holds no GOTO_REFRESH_TOKEN to move. */
  | 'GRANT_NOTHING_TO_MOVE'
  /** A recovery file beside the env file holds tokens newer than the env file's. */
  | 'GRANT_RECOVERY_WAITING'
  /** The store holds another live grant, newer than the env file's or of unknown age. */
  | 'GRANT_STORE_HOLDS_ANOTHER'
  /** Another holder kept the store's lease for as long as this command waited (as for a holder, GrantHolderError). */
  | 'GRANT_LEASE_BUSY'
  /** Another holder wrote the store between this command's read and its write. */
  | 'GRANT_STORE_CHANGED'
  /** The store holds no grant with a refresh token to read (as for a holder, GrantHolderError). */
  | 'GRANT_NOT_STORED'
  /** The store's grant is marked needs-reauth: GoTo refused its refresh token. */
  | 'GRANT_NEEDS_REAUTH'
  /** The env file holds another refresh token, which reading the store's would overwrite. */
  | 'GRANT_ENV_FILE_HOLDS_ANOTHER';

/** What every grant transfer error says: never a token, a URL or a key, only where and which version. */
export type GrantTransferFacts = {
  /** `move-to-store` or `read-from-store`. */
  command: string;
  /** `Redis at host:6379, grant "default"`; none when there is no store. */
  store?: string;
  envFile: string;
  /** The store's version, when it matters. */
  version?: number;
  /** Who holds the lease, for GRANT_LEASE_BUSY. */
  holder?: string;
  /** When the store's and the env file's refresh tokens were issued (their `iat`), when known. */
  storeIssuedAt?: string;
  envIssuedAt?: string;
  /** The keys the recovery file holds, for GRANT_RECOVERY_WAITING. */
  recoveryKeys?: string[];
};

/**
 * `npm run grant` refused to move a grant into the store or read it back, and changed nothing.
 * Facts first; the message is built from them and never holds a token, a URL or a key.
 */
export class GrantTransferError extends GotoRunnerError {
  declare readonly code: GrantTransferErrorCode;
  readonly command: string;
  readonly store: string | undefined;
  readonly envFile: string;
  readonly version: number | undefined;
  readonly holder: string | undefined;
  readonly storeIssuedAt: string | undefined;
  readonly envIssuedAt: string | undefined;
  readonly recoveryKeys: readonly string[] | undefined;

  constructor(code: GrantTransferErrorCode, facts: GrantTransferFacts) {
    super(code, {
      headline: headlineOf(code, facts),
      advice: adviceFor(code, facts),
      aftermath: 'Nothing was changed.',
    });
    this.command = facts.command;
    this.store = facts.store;
    this.envFile = facts.envFile;
    this.version = facts.version;
    this.holder = facts.holder;
    this.storeIssuedAt = facts.storeIssuedAt;
    this.envIssuedAt = facts.envIssuedAt;
    this.recoveryKeys = facts.recoveryKeys;
  }
}

const issued = (at: string | undefined) => (at ? `issued ${at}` : 'of unknown age');

function headlineOf(code: GrantTransferErrorCode, facts: GrantTransferFacts): string {
  const store = facts.store ?? 'the grant store';
  const file = JSON.stringify(facts.envFile);
  switch (code) {
    case 'GRANT_STORE_NOT_SET':
      return `${facts.command}: GOTO_GRANT_STORE is not set, so there is no grant store to use.`;
    case 'GRANT_NOTHING_TO_MOVE':
      return `${facts.command}: ${file} holds no GOTO_REFRESH_TOKEN, so there is no grant to move.`;
    case 'GRANT_RECOVERY_WAITING':
      return (
        `${facts.command}: the recovery file beside ${file} holds ${(facts.recoveryKeys ?? []).join(', ')} ` +
        "that an earlier run got from GoTo but could not write, so the env file's tokens may no longer work."
      );
    case 'GRANT_STORE_HOLDS_ANOTHER':
      return (
        `${facts.command}: ${store} already holds a live grant (version ${facts.version ?? '?'}, ` +
        `its refresh token ${issued(facts.storeIssuedAt)}), and the refresh token in ${file} ` +
        `(${issued(facts.envIssuedAt)}) is not known to be newer.`
      );
    case 'GRANT_LEASE_BUSY':
      return `${facts.command}: another holder (${facts.holder ?? 'unknown'}) kept the lease of ${store} while this waited.`;
    case 'GRANT_STORE_CHANGED':
      return `${facts.command}: another holder wrote ${store} (now version ${facts.version ?? '?'}) while this ran.`;
    case 'GRANT_NOT_STORED':
      return `${facts.command}: ${store} holds no grant with a refresh token.`;
    case 'GRANT_NEEDS_REAUTH':
      return (
        `${facts.command}: the grant in ${store} (version ${facts.version ?? '?'}) is marked needs-reauth: ` +
        'GoTo refused its refresh token, and it holds none.'
      );
    case 'GRANT_ENV_FILE_HOLDS_ANOTHER':
      return (
        `${facts.command}: ${file} holds a refresh token other than the one in ${store}, ` +
        'and reading the store would overwrite it.'
      );
  }
}

/** With GOTO_GRANT_STORE set, a new authorization goes into the store by itself (lib/custody/store-custody.ts). */
const authorizeAgain =
  'authorize again with GOTO_GRANT_STORE set (`npx playwright test --project=authorize`): ' +
  "the new grant becomes the store's next version";

function adviceFor(code: GrantTransferErrorCode, facts: GrantTransferFacts): string {
  switch (code) {
    case 'GRANT_STORE_NOT_SET':
      return (
        "set GOTO_GRANT_STORE to the store's URL (`rediss://…` for Upstash or Vercel KV, `postgres://…?sslmode=require` " +
        'for Neon or Supabase) and GOTO_GRANT_STORE_KEY in the environment (README, "One refresh token, several holders")'
      );
    case 'GRANT_NOTHING_TO_MOVE':
      return `point GOTO_ENV_FILE at the env file that holds the grant; without one, ${authorizeAgain}`;
    case 'GRANT_RECOVERY_WAITING':
      return (
        'with GOTO_GRANT_STORE unset, run `npx playwright test --grep @refresh`: it moves them into the env file ' +
        'and deletes the recovery file; then move the grant'
      );
    case 'GRANT_STORE_HOLDS_ANOTHER':
      return (
        "keep the store's grant (every holder of the store uses it) and delete GOTO_REFRESH_TOKEN and " +
        "GOTO_ACCESS_TOKEN from the env file; or, if the env file's grant is the one to keep, run again with " +
        "`--force`: the store's grant is replaced, and every holder uses the env file's from then on"
      );
    case 'GRANT_LEASE_BUSY':
      return 'run again in a minute: a holder keeps the lease only for its token request';
    case 'GRANT_STORE_CHANGED':
      return 'run again: it reads the store afresh';
    case 'GRANT_NOT_STORED':
      return (
        'move a grant in from the env file that holds one (`npm run grant -- move-to-store`), ' +
        `or ${authorizeAgain}; check GOTO_GRANT_NAME if the store holds several grants`
      );
    case 'GRANT_NEEDS_REAUTH':
      return authorizeAgain;
    case 'GRANT_ENV_FILE_HOLDS_ANOTHER':
      return (
        `if ${JSON.stringify(facts.envFile)}'s grant is the one to keep, move it in instead ` +
        '(`npm run grant -- move-to-store`); if it is an old copy, run again with `--force` to overwrite it'
      );
  }
}
