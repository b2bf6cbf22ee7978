/**
 * When the sender sends a request again, as pure functions of what happened: a test can
 * call them with a status and headers, or a network error code, and no server.
 * Never replaying a token request that may have arrived is the rule they keep (see
 * `sendRequest` in ./send-request.ts for why).
 */

/**
 * Statuses that say the server did not act on the request and that it may be sent again:
 * 429 (RFC 6585 §4, rate limited), 503 (RFC 9110 §15.6.4, unavailable for now) and 502
 * (RFC 9110 §15.6.3: a gateway got no valid answer from GoTo, in practice because it
 * could not reach it). Should a 502 hide a processed token request after all, the retry
 * is refused with invalid_grant and that is what the message then says. 500 is not here:
 * GoTo may have done part of the work, and sending it again does not fix a bug.
 */
const retryableStatuses: ReadonlySet<number> = new Set([429, 502, 503]);

/**
 * Network errors where no connection was made, so the request never reached a server and
 * sending it again is safe whatever it was (RFC 9112 §9.3.1), and may help: a server
 * restarting, a name server that did not answer.
 */
const notConnectedCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The request was never sent either, but sending it again will not help: a host name that
 * does not exist (ENOTFOUND, unlike EAI_AGAIN) or a TLS certificate that was refused.
 */
function neverSentAndFinal(reason: string): boolean {
  return reason === 'ENOTFOUND' || /CERT|TLS|SSL/i.test(reason);
}

/**
 * A connection that closed before any answer came. The request may have been read and
 * acted on, so only an idempotent method (RFC 9110 §9.2.2) is sent again.
 */
export const closedEarlyCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export type NetworkFailure = {
  reason: string;
  timedOut: boolean;
  method: string;
  attempt: number;
  maxAttempts: number;
};

/**
 * After a request got no answer: whether to send it again, and whether it may have been
 * acted on. A timeout is never retried, whatever the method: the request may be at GoTo,
 * still being acted on, and a refresh sent again could race it or replay a token it just
 * rotated out. A connection closed before any answer is retried for GET only (RFC 9110
 * §9.2.2); one never made, for any method (RFC 9112 §9.3.1).
 */
export function afterNetworkFailure({ reason, timedOut, method, attempt, maxAttempts }: NetworkFailure): {
  retry: boolean;
  mayHaveArrived: boolean;
} {
  const safeToRepeat =
    !timedOut && (notConnectedCodes.has(reason) || (closedEarlyCodes.has(reason) && method === 'GET'));
  return {
    retry: safeToRepeat && attempt < maxAttempts,
    mayHaveArrived: method !== 'GET' && !notConnectedCodes.has(reason) && !neverSentAndFinal(reason),
  };
}

export type StatusAnswer = {
  status: number;
  retryAfter: string | null;
  now: number;
  attempt: number;
  maxAttempts: number;
  maxRetryAfterMs: number;
};

/**
 * After an answer with a status other than success: whether to send it again. Only 429,
 * 502 and 503 are retried, waiting for the server's `Retry-After` (`serverWait`) when it
 * sent one, else for the backoff, and never when that wait is too long.
 */
export type StatusDecision = ServerWait & { retry: boolean };

export function afterStatus(answer: StatusAnswer): StatusDecision {
  const wait = serverWait(answer);
  return {
    retry: retryableStatuses.has(answer.status) && answer.attempt < answer.maxAttempts && !wait.tooLong,
    ...wait,
  };
}

/**
 * How long an answer asks to wait before the next try (`serverWaitMs`, RFC 9110 §10.2.3),
 * read only where its status says the request may be sent again (429, 502, 503); and whether
 * that is longer than `maxRetryAfterMs` (`tooLong`): then the step ends, saying when to run
 * again, instead of holding the run that long.
 */
export type ServerWait = { serverWaitMs?: number; tooLong: boolean };

export function serverWait({
  status,
  retryAfter,
  now,
  maxRetryAfterMs,
}: Pick<StatusAnswer, 'status' | 'retryAfter' | 'now' | 'maxRetryAfterMs'>): ServerWait {
  const serverWaitMs = retryableStatuses.has(status) ? retryAfterMs(retryAfter, now) : undefined;
  if (serverWaitMs === undefined) return { tooLong: false };
  return { serverWaitMs, tooLong: serverWaitMs > maxRetryAfterMs };
}

/**
 * `Retry-After` as milliseconds from `now` (RFC 9110 §10.2.3): either delay-seconds or an
 * HTTP-date. Undefined when absent or unreadable, so the backoff applies instead.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP-date (RFC 9110 §5.6.7) starts with the day name; Date.parse reads the IMF-fixdate
  // and both obsolete forms recipients must accept. The check keeps it from guessing a
  // date out of anything else.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so many
 * runners do not retry in step. `random` is there for tests.
 */
export function backoffMs(
  attempt: number,
  options: { backoffBaseMs: number; maxRetryAfterMs: number },
  random: () => number = Math.random,
): number {
  const step = Math.min(options.backoffBaseMs * 2 ** (attempt - 1), options.maxRetryAfterMs);
  return step / 2 + random() * (step / 2);
}
