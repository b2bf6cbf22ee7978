/**
 * The one protocol every holder of a grant follows (the collection's custodian, a CI run, a
 * laptop, the app's broker), over any grant store:
 *
 * 1. Use the stored access token while it has REUSE_MIN_VALIDITY_MS left, unless it is the one
 *    an API just rejected.
 * 2. Otherwise take the lease (an owner id and an expiry, renewed while held), waiting for
 *    another holder's with a bounded wait that polls the store; read the record again, and if
 *    another holder committed meanwhile, use theirs.
 * 3. Otherwise send the refresh, with the lease (checked right before sending), and commit the
 *    answer only over the version read (compare-and-swap); release only this holder's lease.
 * 4. On invalid_grant, read again: a newer version is used; the same version is marked
 *    `needs-reauth` (a compare-and-swap too), after which every holder fails at once and
 *    nobody sends the dead refresh token again.
 *
 * Why: GoTo may rotate the refresh token in any answer, and a server that follows RFC 9700
 * §4.14.2 revokes the whole grant when a rotated-out refresh token comes back. The lease keeps
 * two holders from sending the same refresh token; the version keeps a holder from writing
 * over a newer grant. While the store does not answer, nothing is sent to GoTo: every step
 * before the request needs the store, and its errors name it (host:port, never a password).
 *
 * A lease that runs out under a slow holder (a process frozen mid-request: a closed laptop, a
 * paused VM, a stopped function) lets the next holder in. The slow holder's late commit lands if
 * the version is still the one it read, whoever holds the lease now (its answer is then the
 * newest GoTo gave); if another holder wrote a newer version, the late answer is refused, kept
 * for recovery (the `AnswerKeeper`), and the holder is told (GRANT_ANSWER_NOT_COMMITTED).
 *
 * Nothing here imports Playwright; nothing here prints or throws a token.
 */
import type { TokenResponse } from '../../requests';
import { GrantHolderError, isGotoRunnerError, type NotCommittedReason } from '../errors';
import { fingerprint } from '../http/redact';
import type { GrantRecord, StoredGrant } from './grant-record';
import type { CommitOutcome, GrantStore } from './grant-store';
import { defaultHolderTimings, type HolderTimings } from './holder-timings';

export { REUSE_MIN_VALIDITY_MS, defaultHolderTimings, type HolderTimings } from './holder-timings';

/** Sends a refresh with the given refresh token (RFC 6749 §6); throws ApiStatusError when GoTo refuses it. */
export type RefreshSender = (refreshToken: string) => Promise<TokenResponse>;

/** Where a holder stands, for hooks: SIGKILL tests stop a holder at each. */
export type HolderStep =
  /** The lease just taken, the record not read again yet. */
  | 'lease-taken'
  /** Holding the lease (checked right before), about to send. */
  | 'leased'
  /** GoTo answered; nothing written yet. */
  | 'answered'
  /** The answer is kept (the recovery file), not yet committed. */
  | 'kept'
  /** Committed, the lease not yet released. */
  | 'committed';

/** An answer GoTo gave, as it is to be committed. */
export type PendingAnswer = {
  /** The version it is committed over. */
  baseVersion: number;
  record: GrantRecord;
};

/** GoTo's answer to a token request, and when it was sent (its `expires_in` counts from then). */
type SentAnswer = { answer: TokenResponse; sentAt: number };

/** Room for one answer, reserved before its request leaves. */
export interface AnswerReservation {
  /** Writes the answer where it survives this process, and flushes it. */
  keep(answer: PendingAnswer): Promise<void>;
  /** Drops the reservation: the answer is committed, or none came. */
  release(): Promise<void>;
}

/**
 * Keeps GoTo's answers where they survive the holder until they are committed (the recovery
 * file beside the env file, lib/custody/store-recovery.ts). Optional: a holder without one
 * loses an answer it cannot commit.
 */
export interface AnswerKeeper {
  /** Named in errors. */
  readonly path: string;
  /** An answer a holder kept and may not have committed. */
  pending(): Promise<PendingAnswer | undefined>;
  /** Forgets the pending answer: committed, or superseded. */
  discard(): Promise<void>;
  /** Room for the next answer; fails when there is none, and then nothing is sent. */
  reserve(): Promise<AnswerReservation>;
}

export type HolderEvent =
  /** Another holder has the lease; this one waits (said once per wait). */
  | { type: 'waiting'; holder: string | undefined; leaseWaitMs: number }
  /** The lease ran out under this holder before its commit; the commit goes on over the version alone. */
  | { type: 'lease-lost' }
  /** A commit failed because the store did not answer; it is tried again. */
  | { type: 'commit-retry'; storeError: string }
  /** A pending answer was dealt with before anything else. */
  | { type: 'recovery'; outcome: 'committed' | 'already-in-store' | 'superseded' | 'kept'; path: string };

export type HeldToken = {
  accessToken: string;
  accessTokenExpiresAt: string;
  /** The record the token is from, and its version. */
  grant: StoredGrant;
  /**
   * `stored`: the store's token had enough life; `stored-meanwhile`: another holder committed
   * while this one waited; `refreshed`: this holder refreshed; `authorized`: a new grant.
   */
  source: 'stored' | 'stored-meanwhile' | 'refreshed' | 'authorized';
};

export type GrantHolderOptions = {
  store: GrantStore;
  /** Who this holder is (`holderId`): the record's `writtenBy`, and the base of its lease owner ids. */
  holder: string;
  send: RefreshSender;
  timings?: Partial<HolderTimings>;
  keeper?: AnswerKeeper;
  /** The clock tokens are checked against (ms); tests move it. */
  now?: () => number;
  onStep?: (step: HolderStep) => void | Promise<void>;
  onEvent?: (event: HolderEvent) => void;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether an error is GoTo refusing the grant itself (RFC 6749 §5.2). */
export function isInvalidGrant(error: unknown): boolean {
  return isGotoRunnerError(error, 'ApiStatusError') && error.error === 'invalid_grant';
}

function sameTokens(a: GrantRecord, b: GrantRecord): boolean {
  return a.refreshToken === b.refreshToken && a.accessToken === b.accessToken;
}

let leases = 0;

/** One holder of one grant in one store; its calls may run side by side, each under a lease of its own. */
export class GrantHolder {
  readonly #store: GrantStore;
  readonly #holder: string;
  readonly #send: RefreshSender;
  readonly #timings: HolderTimings;
  readonly #keeper: AnswerKeeper | undefined;
  readonly #now: () => number;
  readonly #onStep: GrantHolderOptions['onStep'];
  readonly #onEvent: GrantHolderOptions['onEvent'];

  constructor(options: GrantHolderOptions) {
    this.#store = options.store;
    this.#holder = options.holder;
    this.#send = options.send;
    this.#timings = { ...defaultHolderTimings, ...options.timings };
    this.#keeper = options.keeper;
    this.#now = options.now ?? Date.now;
    this.#onStep = options.onStep;
    this.#onEvent = options.onEvent;
  }

  /**
   * The grant's access token: the stored one while it has enough life left and is not
   * `rejected` (the fingerprint of an access token an API just rejected), else one a refresh
   * got, this holder's or another's.
   */
  async accessToken(request: { rejected?: string } = {}): Promise<HeldToken> {
    const { rejected } = request;
    await this.#recover();
    const seen = this.#checked(await this.#store.read());
    const stored = this.#usable(seen, rejected);
    if (stored) return { ...stored, source: 'stored' };
    for (;;) {
      const owner = `${this.#holder}#${++leases}`;
      const lease = await this.#takeLease(owner, seen, rejected);
      if (lease.kind === 'stored') return lease.token;
      const outcome = await this.#withLease(owner, () => this.#refreshUnderLease(owner, rejected));
      if (outcome) return outcome;
      // The lease was lost before anything was sent: take it again.
    }
  }

  /**
   * The stored access token when it serves (enough life left, not `rejected`), without a lease
   * or a request: for a holder that sends no token request (GOTO_TOKEN_REQUESTS=off).
   */
  async storedToken(request: { rejected?: string } = {}): Promise<HeldToken | undefined> {
    const stored = this.#usable(this.#checked(await this.#store.read()), request.rejected);
    return stored && { ...stored, source: 'stored' };
  }

  /**
   * A new grant (a code exchange; `exchange` sends it) as the next version, whatever state the
   * old one was in: it clears `needs-reauth`. Sent under the lease like every token request;
   * a person just authorized, so it is committed over whatever version the store holds by then.
   */
  async newGrant(exchange: () => Promise<TokenResponse>): Promise<HeldToken> {
    for (;;) {
      const owner = `${this.#holder}#${++leases}`;
      const lease = await this.#takeLease(owner, undefined, undefined);
      if (lease.kind === 'stored') throw new Error('a new grant never takes a stored token');
      const outcome = await this.#withLease(owner, () => this.#authorizeUnderLease(owner, exchange));
      if (outcome) return outcome;
    }
  }

  /** The record read, unless it cannot serve at all: no grant, or one that needs authorizing again. */
  #checked(read: StoredGrant | undefined): StoredGrant {
    if (!read) throw this.#error('GRANT_NOT_STORED', {});
    if (read.record.state === 'needs-reauth') throw this.#needsReauth(read);
    if (read.record.refreshToken === null) throw this.#error('GRANT_NOT_STORED', { version: read.version });
    return read;
  }

  #usable(read: StoredGrant, rejected: string | undefined): Omit<HeldToken, 'source'> | undefined {
    const { accessToken, accessTokenExpiresAt, state } = read.record;
    if (state !== 'ok' || accessToken === null || accessTokenExpiresAt === null) return undefined;
    if (rejected !== undefined && fingerprint(accessToken) === rejected) return undefined;
    if (!(Date.parse(accessTokenExpiresAt) - this.#now() >= this.#timings.minValidityMs)) return undefined;
    return { accessToken, accessTokenExpiresAt, grant: read };
  }

  /**
   * Takes the lease, polling the store while another holder has it. With `seen`, a version
   * another holder commits meanwhile ends the wait when its token serves.
   */
  async #takeLease(
    owner: string,
    seen: StoredGrant | undefined,
    rejected: string | undefined,
  ): Promise<{ kind: 'leased' } | { kind: 'stored'; token: HeldToken }> {
    const started = Date.now();
    let pause = 20;
    let told = false;
    for (;;) {
      const outcome = await this.#store.acquireLease(owner, this.#timings.leaseTtlMs);
      if (outcome.acquired) return { kind: 'leased' };
      if (!told) {
        told = true;
        this.#onEvent?.({ type: 'waiting', holder: outcome.holder, leaseWaitMs: this.#timings.leaseWaitMs });
      }
      if (seen) {
        const now = await this.#store.read();
        if (now && now.version !== seen.version) {
          const token = this.#usable(this.#checked(now), rejected);
          if (token) return { kind: 'stored', token: { ...token, source: 'stored-meanwhile' } };
        }
      }
      const waited = Date.now() - started;
      if (waited >= this.#timings.leaseWaitMs)
        throw this.#error('GRANT_LEASE_BUSY', { holder: outcome.holder, waitedMs: waited });
      const left = outcome.expiresInMs ?? pause;
      await sleep(Math.max(5, Math.min(pause, left + 5, this.#timings.leaseWaitMs - waited)));
      pause = Math.min(pause * 1.5, 500);
    }
  }

  /** Runs `work` holding `owner`'s lease, renewed every third of its expiry, and releases it after. */
  async #withLease<T>(owner: string, work: () => Promise<T>): Promise<T> {
    const ttl = this.#timings.leaseTtlMs;
    const renewal = setInterval(() => {
      // A failed renewal is not an error here: the commit says whether the lease was still held.
      this.#store.renewLease(owner, ttl).catch(() => false);
    }, ttl / 3);
    renewal.unref();
    try {
      await this.#onStep?.('lease-taken');
      return await work();
    } finally {
      clearInterval(renewal);
      // A store that does not answer now lets the lease run out by itself.
      await this.#store.releaseLease(owner).catch(() => false);
    }
  }

  /** Holding the lease: read again, then use, refresh or mark. Nothing when the lease was lost before sending. */
  async #refreshUnderLease(owner: string, rejected: string | undefined): Promise<HeldToken | undefined> {
    for (;;) {
      const read = this.#checked(await this.#store.read());
      const meanwhile = this.#usable(read, rejected);
      if (meanwhile) return { ...meanwhile, source: 'stored-meanwhile' };
      const refreshToken = read.record.refreshToken ?? '';
      const reservation = await this.#keeper?.reserve();
      let sent: SentAnswer | undefined;
      try {
        sent = await this.#sendUnderLease(owner, reservation, () => this.#send(refreshToken));
      } catch (error) {
        if (!isInvalidGrant(error)) throw error;
        await this.#afterInvalidGrant(read, error);
        // A newer version came meanwhile: start again from it.
        continue;
      }
      if (!sent) return undefined;
      const { answer, sentAt } = sent;
      await this.#onStep?.('answered');
      const record: GrantRecord = {
        ...read.record,
        refreshToken: answer.refresh_token ?? read.record.refreshToken,
        accessToken: answer.access_token,
        accessTokenExpiresAt: new Date(sentAt + answer.expires_in * 1000).toISOString(),
        principal: answer.principal ?? read.record.principal,
        scopes: answer.scope ?? read.record.scopes,
        state: 'ok',
        writtenBy: this.#holder,
        writtenAt: new Date(this.#now()).toISOString(),
      };
      const version = await this.#commitAnswer(owner, { baseVersion: read.version, record }, reservation, false);
      return {
        accessToken: answer.access_token,
        accessTokenExpiresAt: record.accessTokenExpiresAt ?? '',
        grant: { version, record },
        source: 'refreshed',
      };
    }
  }

  /**
   * Sends a token request with `owner`'s lease, checked (and extended) right before it leaves:
   * never a token request without the lease. Nothing when the lease was lost; the reservation
   * is released then, and when the request fails.
   */
  async #sendUnderLease(
    owner: string,
    reservation: AnswerReservation | undefined,
    send: () => Promise<TokenResponse>,
  ): Promise<SentAnswer | undefined> {
    try {
      if (!(await this.#store.renewLease(owner, this.#timings.leaseTtlMs))) {
        await reservation?.release();
        return undefined;
      }
      await this.#onStep?.('leased');
      const sentAt = this.#now();
      return { answer: await send(), sentAt };
    } catch (error) {
      await reservation?.release();
      throw error;
    }
  }

  /**
   * GoTo refused the refresh token of `read`. A newer version (a late commit, a recovery, a new
   * grant) returns, for the caller to go on from it; the same version is marked needs-reauth.
   */
  async #afterInvalidGrant(read: StoredGrant, cause: unknown): Promise<void> {
    const now = await this.#store.read();
    if (now && now.version !== read.version) return;
    const writtenAt = new Date(this.#now()).toISOString();
    const marked = await this.#store.markNeedsReauth(read, { writtenBy: this.#holder, writtenAt });
    if (!marked.committed) return;
    throw this.#error(
      'GRANT_NEEDS_REAUTH',
      { version: marked.version, holder: this.#holder, writtenAt },
      { cause: cause instanceof Error ? cause : undefined },
    );
  }

  async #authorizeUnderLease(owner: string, exchange: () => Promise<TokenResponse>): Promise<HeldToken | undefined> {
    const read = await this.#store.read();
    // A new grant supersedes whatever an earlier holder kept of the old one.
    if (this.#keeper && (await this.#keeper.pending())) await this.#keeper.discard();
    const reservation = await this.#keeper?.reserve();
    const sent = await this.#sendUnderLease(owner, reservation, exchange);
    if (!sent) return undefined;
    const { answer, sentAt } = sent;
    await this.#onStep?.('answered');
    const samePerson = read?.record.principal != null && read.record.principal === answer.principal;
    const record: GrantRecord = {
      refreshToken: answer.refresh_token ?? null,
      accessToken: answer.access_token,
      accessTokenExpiresAt: new Date(sentAt + answer.expires_in * 1000).toISOString(),
      principal: answer.principal ?? null,
      organizerKey: samePerson ? (read?.record.organizerKey ?? null) : null,
      scopes: answer.scope ?? null,
      state: 'ok',
      writtenBy: this.#holder,
      writtenAt: new Date(this.#now()).toISOString(),
    };
    const version = await this.#commitAnswer(owner, { baseVersion: read?.version ?? 0, record }, reservation, true);
    return {
      accessToken: answer.access_token,
      accessTokenExpiresAt: record.accessTokenExpiresAt ?? '',
      grant: { version, record },
      source: 'authorized',
    };
  }

  /**
   * Keeps the answer, then commits it over its base version: with the lease while it is held,
   * over the version alone once it ran out (the late commit), retried while the store does
   * not answer. A new grant (`wins`) is committed over a newer version too. Says the version
   * written; throws GRANT_ANSWER_NOT_COMMITTED with the answer kept.
   */
  async #commitAnswer(
    owner: string,
    answer: PendingAnswer,
    reservation: AnswerReservation | undefined,
    wins: boolean,
  ): Promise<number> {
    // Kept before the first commit: a holder stopped from here on leaves the answer to the next.
    await reservation?.keep(answer);
    await this.#onStep?.('kept');
    const version = await this.#commitUntilDone(owner, answer, wins);
    await this.#onStep?.('committed');
    await reservation?.release();
    return version;
  }

  /**
   * Commits until the store takes the answer: with the lease, then without it once it ran out;
   * retried while the store fails, up to `commitRetryMs`. Throws GRANT_ANSWER_NOT_COMMITTED.
   */
  async #commitUntilDone(owner: string, answer: PendingAnswer, wins: boolean): Promise<number> {
    const retry = { deadline: Date.now() + this.#timings.commitRetryMs, pause: 100 };
    let base = answer.baseVersion;
    let leaseOwner: string | undefined = owner;
    for (;;) {
      let outcome: CommitOutcome | { rebase: number };
      try {
        outcome = await this.#commitOnce(base, answer, leaseOwner, wins);
      } catch (error) {
        await this.#waitToRetry(answer, error, retry);
        continue;
      }
      if ('rebase' in outcome) {
        base = outcome.rebase;
        continue;
      }
      if (outcome.committed) return outcome.version;
      if (outcome.reason === 'lease-not-held' && leaseOwner !== undefined) {
        this.#onEvent?.({ type: 'lease-lost' });
        leaseOwner = undefined;
        continue;
      }
      throw this.#notCommitted(answer, 'version-changed', outcome.version);
    }
  }

  /**
   * One compare-and-swap over `base`. A version that changed may be this answer's own write,
   * sent before and timed out but landed after all; a new grant (`wins`) goes over the newer
   * version (`rebase`).
   */
  async #commitOnce(
    base: number,
    answer: PendingAnswer,
    leaseOwner: string | undefined,
    wins: boolean,
  ): Promise<CommitOutcome | { rebase: number }> {
    const outcome = await this.#store.commit(base, answer.record, leaseOwner === undefined ? {} : { leaseOwner });
    if (outcome.committed || outcome.reason !== 'version-changed') return outcome;
    const now = await this.#store.read();
    if (now && sameTokens(now.record, answer.record)) return { committed: true, version: now.version };
    if (wins && now) return { rebase: now.version };
    return outcome;
  }

  /** A store failure is waited out, with a growing pause, until the deadline; anything else ends the commit. */
  async #waitToRetry(answer: PendingAnswer, error: unknown, retry: { deadline: number; pause: number }): Promise<void> {
    if (!isGotoRunnerError(error, 'GrantStoreError') || Date.now() >= retry.deadline)
      throw this.#notCommitted(answer, 'store-failed', undefined, error);
    this.#onEvent?.({ type: 'commit-retry', storeError: error.code });
    await sleep(Math.min(retry.pause, Math.max(0, retry.deadline - Date.now())));
    retry.pause = Math.min(retry.pause * 2, 2_000);
  }

  /**
   * An answer an earlier holder kept (it was killed, or the store did not answer): committed
   * over its base version when the store still holds it; dropped when it is in the store
   * already or a newer grant is in use; kept when the store says needs-reauth since.
   */
  async #recover(): Promise<void> {
    const keeper = this.#keeper;
    const pending = await keeper?.pending();
    if (!keeper || !pending) return;
    const current = await this.#store.read();
    let outcome: Extract<HolderEvent, { type: 'recovery' }>['outcome'];
    if (current && sameTokens(current.record, pending.record)) outcome = 'already-in-store';
    else if ((current?.version ?? 0) === pending.baseVersion) {
      const committed = await this.#store.commit(pending.baseVersion, pending.record);
      outcome = committed.committed ? 'committed' : 'kept';
    } else if (current && current.version > pending.baseVersion && current.record.state === 'ok')
      outcome = 'superseded';
    else outcome = 'kept';
    if (outcome !== 'kept') await keeper.discard();
    this.#onEvent?.({ type: 'recovery', outcome, path: keeper.path });
  }

  #needsReauth(read: StoredGrant): GrantHolderError {
    return this.#error('GRANT_NEEDS_REAUTH', {
      version: read.version,
      holder: read.record.writtenBy,
      writtenAt: read.record.writtenAt,
    });
  }

  #notCommitted(
    answer: PendingAnswer,
    reason: NotCommittedReason,
    storeVersion: number | undefined,
    cause?: unknown,
  ): GrantHolderError {
    return this.#error(
      'GRANT_ANSWER_NOT_COMMITTED',
      {
        version: answer.baseVersion,
        ...(storeVersion === undefined ? {} : { storeVersion }),
        notCommitted: reason,
        ...(isGotoRunnerError(cause, 'GrantStoreError') ? { storeError: cause.code } : {}),
        ...(this.#keeper ? { recoveryFile: this.#keeper.path } : {}),
      },
      cause instanceof Error ? { cause } : undefined,
    );
  }

  #error(
    code: ConstructorParameters<typeof GrantHolderError>[0],
    facts: Omit<ConstructorParameters<typeof GrantHolderError>[1], 'store' | 'address' | 'grant'>,
    options?: ErrorOptions,
  ): GrantHolderError {
    const store = this.#store;
    return new GrantHolderError(
      code,
      { store: store.kind, address: store.address, grant: store.grant, ...facts },
      options,
    );
  }
}
