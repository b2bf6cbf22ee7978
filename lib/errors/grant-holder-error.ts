import { GotoRunnerError } from './goto-runner-error';
import { describeStore, type GrantStoreKind } from './grant-store-error';

export type GrantHolderErrorCode =
  /** The store holds no grant under this name yet: nothing to refresh. */
  | 'GRANT_NOT_STORED'
  /** GoTo refused the grant's refresh token (invalid_grant): the record says `needs-reauth`. */
  | 'GRANT_NEEDS_REAUTH'
  /** Another holder kept the lease for longer than this holder waits. */
  | 'GRANT_LEASE_BUSY'
  /** GoTo answered, but the answer could not be committed to the store: it is kept for recovery (or lost). */
  | 'GRANT_ANSWER_NOT_COMMITTED';

/** Why an answer was not committed. */
export type NotCommittedReason =
  /** Another holder wrote a newer version after this one read it (its lease had run out). */
  | 'version-changed'
  /** The store did not answer (or failed) for as long as the holder retried. */
  | 'store-failed';

/** What every grant holder error says: the store and grant by name, never a token, a URL or a password. */
export type GrantHolderFacts = {
  store: GrantStoreKind;
  /** `host:port`, or the env file's path. */
  address: string;
  /** The grant's name in the store. */
  grant: string;
  /** The version this holder read (and, for a needs-reauth record, the version that says so). */
  version?: number;
  /** The version the store held when it refused a commit. */
  storeVersion?: number;
  /** Who wrote the record read (`needs-reauth`), or holds the lease (`GRANT_LEASE_BUSY`). */
  holder?: string;
  /** When the record read was written (ISO 8601). */
  writtenAt?: string;
  /** How long this holder waited for the lease. */
  waitedMs?: number;
  /** For GRANT_ANSWER_NOT_COMMITTED. */
  notCommitted?: NotCommittedReason;
  /** The store's own error code when it failed (`GRANT_STORE_TIMEOUT`, …). */
  storeError?: string;
  /** Where the answer was kept (mode 0600, never printed), when it was. */
  recoveryFile?: string;
};

/**
 * A holder of a grant in the grant store could not get an access token through the store's
 * protocol (lib/grant-store/holder-protocol.ts). Facts first; the message is built from them.
 */
export class GrantHolderError extends GotoRunnerError {
  declare readonly code: GrantHolderErrorCode;
  readonly store: GrantStoreKind;
  readonly address: string;
  readonly grant: string;
  readonly version: number | undefined;
  readonly storeVersion: number | undefined;
  readonly holder: string | undefined;
  readonly writtenAt: string | undefined;
  readonly waitedMs: number | undefined;
  readonly notCommitted: NotCommittedReason | undefined;
  readonly storeError: string | undefined;
  readonly recoveryFile: string | undefined;

  constructor(code: GrantHolderErrorCode, facts: GrantHolderFacts, options?: ErrorOptions) {
    super(code, { headline: headlineOf(code, facts), advice: adviceFor(code, facts) }, options);
    this.store = facts.store;
    this.address = facts.address;
    this.grant = facts.grant;
    this.version = facts.version;
    this.storeVersion = facts.storeVersion;
    this.holder = facts.holder;
    this.writtenAt = facts.writtenAt;
    this.waitedMs = facts.waitedMs;
    this.notCommitted = facts.notCommitted;
    this.storeError = facts.storeError;
    this.recoveryFile = facts.recoveryFile;
  }
}

const authorizeAgain =
  'authorize again with GOTO_GRANT_STORE set (`npx playwright test --project=authorize`): ' +
  'the new grant becomes the next version and every holder uses it from then on';

function headlineOf(code: GrantHolderErrorCode, facts: GrantHolderFacts): string {
  const where = `the grant "${facts.grant}" in ${describeStore(facts)}`;
  switch (code) {
    case 'GRANT_NOT_STORED':
      return `No token request was sent: ${where} does not exist yet.`;
    case 'GRANT_NEEDS_REAUTH':
      return (
        `No token request was sent: ${where} needs authorizing again. GoTo refused its refresh token (invalid_grant); ` +
        `version ${facts.version ?? '?'} says so, written by ${facts.holder ?? '?'} at ${facts.writtenAt ?? '?'}.`
      );
    case 'GRANT_LEASE_BUSY':
      return (
        `No token request was sent: another holder (${facts.holder ?? 'unknown'}) kept the lease of ${where} ` +
        `for the ${Math.round((facts.waitedMs ?? 0) / 1000)} s this holder waited.`
      );
    case 'GRANT_ANSWER_NOT_COMMITTED': {
      const why =
        facts.notCommitted === 'version-changed'
          ? `another holder wrote version ${facts.storeVersion ?? '?'} after this one read version ${facts.version ?? '?'} ` +
            "(this holder's lease had run out, so its late commit was refused and the newer record kept)"
          : `the store did not take it (${facts.storeError ?? 'error'}) for as long as this holder retried`;
      const kept = facts.recoveryFile
        ? ` GoTo's answer is kept in the recovery file ${JSON.stringify(facts.recoveryFile)} (mode 0600; it is never printed).`
        : " GoTo's answer was not kept anywhere else.";
      return `GoTo answered the refresh of ${where}, but ${why}.${kept}`;
    }
  }
}

function adviceFor(code: GrantHolderErrorCode, facts: GrantHolderFacts): string {
  switch (code) {
    case 'GRANT_NOT_STORED':
      return (
        `${authorizeAgain.replace('authorize again', 'authorize')}, ` +
        'or move the grant in from the env file that holds it (`npm run grant -- move-to-store`), ' +
        'or check that GOTO_GRANT_STORE (and the grant name) is the one the other holders use'
      );
    case 'GRANT_NEEDS_REAUTH':
      return authorizeAgain;
    case 'GRANT_LEASE_BUSY':
      return (
        'run again: a lease ends by itself when its holder stops renewing it (a holder that was stopped or lost ' +
        'its connection); raise GOTO_LOCK_TIMEOUT to wait longer'
      );
    case 'GRANT_ANSWER_NOT_COMMITTED':
      if (facts.notCommitted === 'store-failed')
        return facts.recoveryFile
          ? 'when the store answers again, run again on this machine: the next token request moves the answer ' +
              'into the store by itself (if nobody wrote a newer version since) and deletes the recovery file. ' +
              'Do not delete the recovery file: it may hold the only copy of the refresh token.'
          : 'when the store answers again, run again; if the next refresh fails with invalid_grant, ' + authorizeAgain;
      return (
        'run again: the newer record is used. If the store says needs-reauth, ' +
        `${authorizeAgain}; the recovery file is deleted by itself once a newer grant is in the store`
      );
  }
}
