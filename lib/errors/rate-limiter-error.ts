import { GotoRunnerError } from './goto-runner-error';

/** The run's shared rate limiter (lib/http/rate-limit-service.ts) could not be reached: nothing was sent. */
export class RateLimiterError extends GotoRunnerError {
  /** Where the limiter listens: a loopback address, never a secret. */
  readonly url: string;
  /** The network error code, or the status it answered. */
  readonly reason: string;

  constructor(facts: { url: string; reason: string }) {
    super(
      'RATE_LIMITER_UNAVAILABLE',
      `The run's rate limiter at ${facts.url} did not give a slot (${facts.reason}), so nothing was sent. ` +
        'It runs in the Playwright runner (global setup): run the collection again with `npx playwright test`.',
    );
    this.url = facts.url;
    this.reason = facts.reason;
  }
}
