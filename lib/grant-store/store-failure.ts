/**
 * Every backend's failures as one error, GrantStoreError, and the bound on how long a store
 * may take: a store that does not answer must not hold a holder (nor the GoTo request
 * behind it) forever. The causes are kept as codes only: a driver's own message may quote
 * a URL or a statement, so it never reaches ours.
 */
import { GrantStoreError, isGotoRunnerError, type GrantStoreErrorCode, type GrantStoreKind } from '../errors';

export type StoreTimeouts = {
  /** Connecting, TLS and authentication included. */
  connectMs: number;
  /** One operation once connected. */
  commandMs: number;
};

/** Longer than any healthy round trip to a hosted store, short enough that a hang is told in seconds. */
export const defaultStoreTimeouts: StoreTimeouts = { connectMs: 5_000, commandMs: 5_000 };

/** `tls`: whether the connection was encrypted, so that advice about TLS fits the URL given. */
export type OperationFacts = { store: GrantStoreKind; address: string; tls?: boolean; operation: string };

/** TLS failures as Node names them (tls.TLSSocket, OpenSSL's verify codes). */
const tlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL)/;

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/**
 * A driver's error as a GrantStoreError. `serverCode` reads the server's own error code
 * (Redis's first word, PostgreSQL's SQLSTATE) when the error is an answer of the server.
 * `sentWrite`: a write had left when the connection failed, so it may have been applied.
 */
export function storeFailure(
  facts: OperationFacts,
  error: unknown,
  serverCode: (error: unknown) => string | undefined,
  sentWrite = false,
): GrantStoreError {
  if (isGotoRunnerError(error, 'GrantStoreError')) return error;
  const answered = serverCode(error);
  if (answered) return new GrantStoreError('GRANT_STORE_REFUSED', { ...facts, reason: answered });
  const code = codeOf(error);
  const name = error instanceof Error ? error.name : undefined;
  let kind: GrantStoreErrorCode = 'GRANT_STORE_UNREACHABLE';
  let reason = code ?? name ?? 'error';
  if (code && tlsCodes.test(code)) reason = code;
  else if (name === 'ConnectionTimeoutError' || code === 'ETIMEDOUT') kind = 'GRANT_STORE_TIMEOUT';
  else if (!code && error instanceof Error && /closed|terminated|ended/i.test(error.message))
    reason = 'the connection closed';
  return new GrantStoreError(kind, { ...facts, reason, mayHaveLanded: sentWrite });
}

/**
 * Runs a read again once when its connection failed (a connection the server closed while
 * idle is the common case): a read changes nothing, so it is safe to repeat; a write is not.
 */
export async function readOnceMore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(isGotoRunnerError(error, 'GrantStoreError') && error.code === 'GRANT_STORE_UNREACHABLE')) throw error;
    return read();
  }
}

/**
 * Runs `operation`, or fails with GRANT_STORE_TIMEOUT once `ms` have passed, after calling
 * `abandon` (which drops the connection, so that a late answer goes nowhere). `sent` says
 * whether a write had left by then: it may have been applied.
 */
export async function withinDeadline<T>(
  facts: OperationFacts,
  ms: number,
  operation: () => Promise<T>,
  abandon: () => void,
  options: { write: boolean; sent: () => boolean },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const mayHaveLanded = options.write && options.sent();
      abandon();
      reject(new GrantStoreError('GRANT_STORE_TIMEOUT', { ...facts, reason: 'timeout', timeoutMs: ms, mayHaveLanded }));
    }, ms);
  });
  const work = operation();
  // Once the deadline has won, the abandoned operation's own failure is of no interest.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `runOperation` needs of a driver: its connection, how to drop it, and how to read a server's error code. */
export type OperationRunner<Client> = {
  connected: () => Promise<Client>;
  /** Forgets (and destroys) the connection: after a failure its state is unknown. */
  drop: () => void;
  /** The server's own error code (a refused command, not a lost connection), if any. */
  serverCode: (error: unknown) => string | undefined;
};

/**
 * One store operation: connecting bounded by `connectMs`, the command by `commandMs`; any
 * failure becomes a GrantStoreError naming the store. After a failure that is not the server's
 * answer, the connection is dropped, and the next operation starts a new one.
 */
export async function runOperation<Client, T>(
  facts: OperationFacts,
  timeouts: StoreTimeouts,
  runner: OperationRunner<Client>,
  write: boolean,
  command: (client: Client) => Promise<T>,
): Promise<T> {
  let sent = false;
  try {
    const client = await withinDeadline(facts, timeouts.connectMs, runner.connected, runner.drop, {
      write: false,
      sent: () => false,
    });
    return await withinDeadline(
      facts,
      timeouts.commandMs,
      () => {
        sent = true;
        return command(client);
      },
      runner.drop,
      { write, sent: () => sent },
    );
  } catch (error) {
    if (!runner.serverCode(error)) runner.drop();
    throw storeFailure(facts, error, runner.serverCode, write && sent);
  }
}
