import { gotoAuthService, type ApiService } from './api-service';

/** `GoTo is rate limiting (10 requests per second per API)`: the service that answered, in its own terms. */
function rateLimiting(service: ApiService): string {
  return `${service.name} is rate limiting${service.limitInWords ? ` (${service.limitInWords})` : ''}`;
}

/** Advice for a GoTo failure that depends only on the HTTP status, where no request explains it better. */
export function genericAdvice(status: number): string {
  if (status === 429) return `${rateLimiting(gotoAuthService)}: wait a minute and run again.`;
  if (status === 502)
    return (
      'a gateway in front of GoTo got no valid answer from it: try again in a few minutes and ' +
      'check https://status.goto.com.'
    );
  if (status >= 500) return 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.';
  if (status === 404) return 'the URL does not exist on that host: check GOTO_AUTH_BASE_URL and GOTO_API_BASE_URL.';
  return 'check the GOTO_* settings and run again.';
}

/**
 * Advice for a 429, 502 or 503 whose `Retry-After` (RFC 9110 §10.2.3) asks for a longer
 * wait than the sender waits by itself (`longerThanMs`): names the service that answered,
 * and says when to run again, in UTC.
 */
export function retryLaterAdvice(
  status: number,
  service: ApiService,
  retry: { waitMs: number; now: number; longerThanMs: number },
): string {
  const cause =
    status === 429
      ? rateLimiting(service)
      : status === 502
        ? `a gateway in front of ${service.name} could not reach it`
        : `${service.name} is unavailable for now`;
  const seconds = Math.ceil(retry.waitMs / 1000);
  const at = new Date(retry.now + retry.waitMs);
  const when = Number.isNaN(at.getTime()) ? 'that' : at.toISOString();
  return (
    `${cause} and asked to wait ${seconds} s before the next try (Retry-After), longer than ` +
    `goto-token-runner waits by itself (${Math.round(retry.longerThanMs / 1000)} s): run again ` +
    `after ${when}.`
  );
}
