import { describeHolder, lockedAdvice, type LockHolder } from './env-file-error';
import { GotoRunnerError } from './goto-runner-error';

export type GrantStoreErrorCode =
  /** GOTO_GRANT_STORE is not a URL this project can use. */
  | 'GRANT_STORE_URL_INVALID'
  /** GOTO_GRANT_STORE_KEY is not 32 bytes in base64. */
  | 'GRANT_STORE_KEY_INVALID'
  /** No connection: refused, unknown host, TLS refused. */
  | 'GRANT_STORE_UNREACHABLE'
  /** Connected (or connecting), but no answer within the bound. */
  | 'GRANT_STORE_TIMEOUT'
  /** The server answered with an error: wrong password, no permission, a failed statement. */
  | 'GRANT_STORE_REFUSED'
  /** The stored record's tokens cannot be decrypted with the key this holder has (or has not). */
  | 'GRANT_STORE_UNDECRYPTABLE'
  /** The stored record is not one this project wrote (a field missing or malformed). */
  | 'GRANT_STORE_RECORD_INVALID';

export type GrantStoreKind = 'redis' | 'postgres' | 'env-file';

/** What every grant store error says: never a URL with its password, a token or a key. */
export type GrantStoreFacts = {
  /** Which store; none when GOTO_GRANT_STORE itself could not be read. */
  store?: GrantStoreKind;
  /** `host:port` of a server, or the env file's path. */
  address?: string;
  /** For a server: whether the URL asked for TLS (`rediss://`, an `sslmode` other than disable). */
  tls?: boolean;
  /** What was being done: `read the grant`, `take the lease`, `commit version 8`, … */
  operation: string;
  /**
   * The cause as a code: a system code (ECONNREFUSED, ENOTFOUND), a TLS code, the server's
   * error code (Redis `WRONGPASS`, a PostgreSQL SQLSTATE such as `28P01`), `timeout`, or one
   * of this project's (`no-key`, `wrong-key`, `tampered`, `stored-in-clear`).
   */
  reason: string;
  /** The bound that ran out, for a timeout. */
  timeoutMs?: number;
  /**
   * A write that was sent and timed out may have been applied by the server: read the grant
   * again before anything else.
   */
  mayHaveLanded?: boolean;
  /** For an undecryptable record: the key id it was written with, and this holder's (none without a key). */
  recordKeyId?: string;
  holderKeyId?: string;
  /**
   * For an env-file store whose lock another process kept (reason `locked`): who holds it, as
   * far as its lock file says.
   */
  lockHolder?: LockHolder | undefined;
};

/**
 * The grant store (lib/grant-store/) failed. Facts first, as ky's and zod's errors: the
 * message is built from them, names the store by kind and host:port, and never holds a
 * password, a token or a key.
 */
export class GrantStoreError extends GotoRunnerError {
  declare readonly code: GrantStoreErrorCode;
  readonly store: GrantStoreKind | undefined;
  readonly address: string | undefined;
  readonly operation: string;
  readonly reason: string;
  readonly timeoutMs: number | undefined;
  readonly mayHaveLanded: boolean;
  readonly recordKeyId: string | undefined;
  readonly holderKeyId: string | undefined;
  readonly lockHolder: LockHolder | undefined;

  constructor(code: GrantStoreErrorCode, facts: GrantStoreFacts, options?: ErrorOptions) {
    super(code, { headline: headlineOf(code, facts), advice: adviceFor(code, facts) }, options);
    this.store = facts.store;
    this.address = facts.address;
    this.operation = facts.operation;
    this.reason = facts.reason;
    this.timeoutMs = facts.timeoutMs;
    this.mayHaveLanded = facts.mayHaveLanded ?? false;
    this.recordKeyId = facts.recordKeyId;
    this.holderKeyId = facts.holderKeyId;
    this.lockHolder = facts.lockHolder;
  }
}

const storeNames: Record<GrantStoreKind, string> = { redis: 'Redis', postgres: 'PostgreSQL', 'env-file': 'env file' };

/** `the grant store (Redis at cache.example.com:6380)`. */
export function describeStore(facts: Pick<GrantStoreFacts, 'store' | 'address'>): string {
  if (facts.store === undefined || facts.address === undefined) return 'the grant store';
  return facts.store === 'env-file'
    ? `the grant store (the env file ${JSON.stringify(facts.address)})`
    : `the grant store (${storeNames[facts.store]} at ${facts.address})`;
}

function headlineOf(code: GrantStoreErrorCode, facts: GrantStoreFacts): string {
  const store = describeStore(facts);
  const landed = facts.mayHaveLanded ? ' The write may have been applied all the same.' : '';
  switch (code) {
    case 'GRANT_STORE_URL_INVALID':
      return `GOTO_GRANT_STORE cannot be used (${facts.reason}).`;
    case 'GRANT_STORE_KEY_INVALID':
      return `GOTO_GRANT_STORE_KEY cannot be used (${facts.reason}); nothing was read or written.`;
    case 'GRANT_STORE_UNREACHABLE':
      return `Could not ${facts.operation}: ${store} could not be reached (${facts.reason}).`;
    case 'GRANT_STORE_TIMEOUT':
      return `Could not ${facts.operation}: ${store} did not answer within ${(facts.timeoutMs ?? 0) / 1000} s.${landed}`;
    case 'GRANT_STORE_REFUSED':
      return `Could not ${facts.operation}: ${store} refused it (${facts.reason}).`;
    case 'GRANT_STORE_UNDECRYPTABLE':
      return `Could not ${facts.operation}: the tokens in ${store} cannot be decrypted (${undecryptableWhy(facts)}); the record was left unchanged.`;
    case 'GRANT_STORE_RECORD_INVALID':
      return `Could not ${facts.operation}: ${store} holds a record this project cannot read (${facts.reason}); it was left unchanged.`;
  }
}

function undecryptableWhy(facts: GrantStoreFacts): string {
  if (facts.reason === 'no-key')
    return `it was encrypted with key ${facts.recordKeyId ?? '?'} and GOTO_GRANT_STORE_KEY is not set`;
  if (facts.reason === 'wrong-key')
    return `it was encrypted with key ${facts.recordKeyId ?? '?'}, GOTO_GRANT_STORE_KEY is key ${facts.holderKeyId ?? '?'}`;
  if (facts.reason === 'tampered') return 'it was changed after it was encrypted, or is damaged';
  if (facts.reason === 'stored-in-clear') return 'they are stored in clear and GOTO_GRANT_STORE_KEY is set';
  return facts.reason;
}

/** The next thing to do, from the code and, where it tells them apart, the reason. */
function adviceFor(code: GrantStoreErrorCode, facts: GrantStoreFacts): string {
  switch (code) {
    case 'GRANT_STORE_UNREACHABLE':
      return unreachableAdvice(facts);
    case 'GRANT_STORE_TIMEOUT':
      return timeoutAdvice(facts);
    case 'GRANT_STORE_REFUSED':
      return refusedAdvice(facts);
    case 'GRANT_STORE_UNDECRYPTABLE':
      return undecryptableAdvice(facts.reason);
    default:
      return plainAdvice[code];
  }
}

/** Advice that does not depend on the reason. */
const plainAdvice: Record<
  'GRANT_STORE_URL_INVALID' | 'GRANT_STORE_KEY_INVALID' | 'GRANT_STORE_RECORD_INVALID',
  string
> = {
  GRANT_STORE_URL_INVALID:
    'set GOTO_GRANT_STORE to a redis://, rediss://, postgres:// or postgresql:// URL, ' +
    'or unset it to keep the grant in the env file',
  GRANT_STORE_KEY_INVALID: 'make a key with `openssl rand -base64 32` and give every holder of the grant the same one',
  GRANT_STORE_RECORD_INVALID:
    'check what else writes to the store under this name, or delete the record and authorize again',
};

/** Where a plain connection to a server that takes TLS only is told to use TLS. */
const tlsUrl: Partial<Record<GrantStoreKind, string>> = {
  redis: 'start the URL with rediss:// (Upstash and Vercel KV take TLS only)',
  postgres: 'add ?sslmode=require to the URL (Neon and Supabase take TLS only)',
};

/** The TLS hint, for a plain connection (`tls: false`) to a server that may take TLS only. */
function plainToTls({ store, tls }: GrantStoreFacts): string | undefined {
  return tls === false && store ? tlsUrl[store] : undefined;
}

function unreachableAdvice(facts: GrantStoreFacts): string {
  const { reason } = facts;
  const toTls = plainToTls(facts);
  // A server that takes TLS only closes a plain connection at once: Redis's does (measured).
  if (reason === 'ECONNRESET' && toTls)
    return `the server closed the connection: if it takes TLS only, ${toTls}; otherwise check the network, then run again`;
  if (reason === 'ECONNREFUSED')
    return 'check the host and port in GOTO_GRANT_STORE and that the server there is running, then run again';
  if (reason === 'ENOTFOUND' || reason === 'EAI_AGAIN')
    return "check the host name in GOTO_GRANT_STORE and this machine's DNS, then run again";
  if (/CERT|TLS|SSL/i.test(reason))
    return (
      "the store's TLS certificate was not accepted: check the host in GOTO_GRANT_STORE; " +
      'behind a TLS-inspecting proxy, give Node its CA with NODE_EXTRA_CA_CERTS'
    );
  return 'check the network and GOTO_GRANT_STORE, then run again';
}

/** An env-file store times out on its file's lock: the advice is the lock's, naming who holds it. */
function timeoutAdvice(facts: GrantStoreFacts): string {
  if (facts.reason === 'locked')
    return (
      `it is locked by ${facts.lockHolder ? describeHolder(facts.lockHolder) : 'another process'}: ` +
      lockedAdvice(facts.lockHolder?.lockFile)
    );
  return (
    "check the network and the store's status page; when it answers again, run again " +
    '(nothing is sent to GoTo while the store does not answer); ' +
    'for a store that is slow to wake or far away, raise GOTO_GRANT_STORE_TIMEOUT'
  );
}

function refusedAdvice(facts: GrantStoreFacts): string {
  const { reason } = facts;
  const toTls = plainToTls(facts);
  if (['WRONGPASS', 'NOAUTH', '28P01'].includes(reason))
    return 'check the user name and password in GOTO_GRANT_STORE (they are never printed)';
  // 28000: pg_hba.conf has no entry for this connection, which on a TLS-only server is a plain one.
  if (reason === '28000')
    return (
      'the server takes no connection of this kind: ' +
      (toTls ? `if it takes TLS only, ${toTls}; otherwise ` : '') +
      'check the user name and database in GOTO_GRANT_STORE'
    );
  if (['NOPERM', '42501'].includes(reason))
    return 'give the user in GOTO_GRANT_STORE the right to read and write the grant (docs/grant-store.md, "What it holds", lists what it needs)';
  return "check the store's logs for this operation, then run again";
}

function undecryptableAdvice(reason: string): string {
  if (reason === 'stored-in-clear')
    return (
      'store the grant again with the key set (move it into the store again, or authorize again), ' +
      'or unset GOTO_GRANT_STORE_KEY if this store is meant to hold it in clear'
    );
  if (reason === 'tampered')
    return (
      'restore the record from a backup, or delete it and authorize again ' +
      '(`npx playwright test --project=authorize`); docs/grant-store.md, "Encryption", shows how to delete it'
    );
  return (
    'give this holder the GOTO_GRANT_STORE_KEY the record was written with (every holder needs the same key); ' +
    'if that key is lost, delete the record and authorize again (docs/grant-store.md, "Encryption", shows how)'
  );
}
