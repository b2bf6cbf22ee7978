import { startRunRateLimiter } from '../../../../fixtures/rate-limit-setup';

/** The run's rate limiter, as the collection's global setup starts it. */
export default function globalSetup(): Promise<() => Promise<void>> {
  return startRunRateLimiter();
}
