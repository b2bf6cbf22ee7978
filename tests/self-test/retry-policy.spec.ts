import { test, expect } from './fixtures';
import { afterNetworkFailure, afterStatus, backoffMs } from '../../lib/http/retry-policy';

// The sender's retry rules, called as the sender calls them, with no server: the whole
// sends (what the emulator received) are in goto-failures-retries.spec.ts.
const answer = {
  retryAfter: null,
  now: Date.parse('2026-12-01T10:00:00Z'),
  attempt: 1,
  maxAttempts: 3,
  maxRetryAfterMs: 30_000,
};
const failure = { timedOut: false, attempt: 1, maxAttempts: 3 };

test.describe('after a status', () => {
  for (const status of [429, 502, 503]) {
    test(`retries ${status} while attempts are left, after the backoff when there is no Retry-After`, () => {
      expect(afterStatus({ ...answer, status })).toEqual({ retry: true, tooLong: false });
      expect(afterStatus({ ...answer, status, attempt: 3 }), 'the last attempt is not retried').toEqual({
        retry: false,
        tooLong: false,
      });
    });
  }

  for (const status of [400, 401, 403, 404, 500]) {
    test(`never retries ${status}, even with a Retry-After`, () => {
      expect(afterStatus({ ...answer, status, retryAfter: '1' })).toEqual({ retry: false, tooLong: false });
    });
  }

  test('waits for a Retry-After in delay-seconds or as an HTTP-date (RFC 9110 §10.2.3)', () => {
    expect(afterStatus({ ...answer, status: 429, retryAfter: '2' })).toEqual({
      retry: true,
      serverWaitMs: 2_000,
      tooLong: false,
    });
    expect(afterStatus({ ...answer, status: 503, retryAfter: 'Tue, 01 Dec 2026 10:00:05 GMT' })).toEqual({
      retry: true,
      serverWaitMs: 5_000,
      tooLong: false,
    });
  });

  test('falls back to the backoff for an unreadable Retry-After', () => {
    expect(afterStatus({ ...answer, status: 429, retryAfter: 'soon' })).toEqual({ retry: true, tooLong: false });
  });

  test('does not wait for a Retry-After longer than maxRetryAfterMs, and says it was too long', () => {
    expect(afterStatus({ ...answer, status: 429, retryAfter: '31' })).toEqual({
      retry: false,
      serverWaitMs: 31_000,
      tooLong: true,
    });
  });
});

test.describe('after no answer', () => {
  test('never retries a timeout, for any method, and a POST that timed out may have arrived', () => {
    expect(afterNetworkFailure({ ...failure, reason: 'timeout', timedOut: true, method: 'GET' })).toEqual({
      retry: false,
      mayHaveArrived: false,
    });
    expect(afterNetworkFailure({ ...failure, reason: 'timeout', timedOut: true, method: 'POST' })).toEqual({
      retry: false,
      mayHaveArrived: true,
    });
  });

  test('retries a connection never made, for a token POST too (RFC 9112 §9.3.1)', () => {
    for (const reason of ['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(afterNetworkFailure({ ...failure, reason, method: 'POST' }), reason).toEqual({
        retry: true,
        mayHaveArrived: false,
      });
    }
  });

  test('retries a connection closed before any answer for GET only: a POST may have been acted on', () => {
    expect(afterNetworkFailure({ ...failure, reason: 'ECONNRESET', method: 'GET' })).toEqual({
      retry: true,
      mayHaveArrived: false,
    });
    expect(afterNetworkFailure({ ...failure, reason: 'ECONNRESET', method: 'POST' })).toEqual({
      retry: false,
      mayHaveArrived: true,
    });
  });

  test('does not retry an unknown host or a refused certificate, and neither was sent', () => {
    for (const reason of ['ENOTFOUND', 'CERT_HAS_EXPIRED']) {
      expect(afterNetworkFailure({ ...failure, reason, method: 'POST' }), reason).toEqual({
        retry: false,
        mayHaveArrived: false,
      });
    }
  });

  test('stops after the last attempt', () => {
    expect(afterNetworkFailure({ ...failure, reason: 'ECONNREFUSED', method: 'GET', attempt: 3 })).toEqual({
      retry: false,
      mayHaveArrived: false,
    });
  });
});

test('backs off exponentially with equal jitter, capped at maxRetryAfterMs', () => {
  const options = { backoffBaseMs: 200, maxRetryAfterMs: 1_000 };
  expect(
    [1, 2, 3, 4].map((attempt) => backoffMs(attempt, options, () => 0)),
    'the fixed half',
  ).toEqual([100, 200, 400, 500]);
  expect(
    [1, 2, 3, 4].map((attempt) => backoffMs(attempt, options, () => 1)),
    'the whole step',
  ).toEqual([200, 400, 800, 1_000]);
});
