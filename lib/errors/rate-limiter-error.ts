import { GotoRunnerError } from './goto-runner-error';

/** The run's shared rate limiter (lib/http/rate-limit-service.ts) could not be reached: nothing was sent. */
export class RateLimiterError extends GotoRunnerError {
  declare readonly code: 'RATE_LIMITER_UNAVAILABLE';
  /** Where the limiter listens: a loopback address, never a secret. */
  readonly url: string;
  /** The network error code, or the status it answered. */
  readonly reason: string;

  constructor(facts: { url: string; reason: string }) {
    super('RATE_LIMITER_UNAVAILABLE', {
      headline: `The run's rate limiter at ${facts.url} did not give a slot (${facts.reason}), so nothing was sent.`,
      advice:
        'the limiter runs in the Playwright runner (global setup): run the collection again with `npx playwright test`',
    });
    this.url = facts.url;
    this.reason = facts.reason;
  }
}
