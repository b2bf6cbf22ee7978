import { gotoApiHost, gotoAuthHost, gotoStatusPage } from './goto-hosts';

/**
 * The service a request talks to, as its errors name it: which setting holds its address,
 * where its status page is, and what a failure of one request leaves behind. Errors build
 * their advice from these facts, so one set of error classes serves every API.
 */
export type ApiService = {
  /** The service's name in messages: `GoTo`, `Vercel`. */
  name: string;
  /** The variable that holds the address the request went to. */
  hostSetting: string;
  /** The real service's host, to compare a typo against. */
  realHost: string;
  statusPage: string;
  /**
   * What a failed request leaves behind, when the caller knows it for sure: a GoTo step
   * stores nothing unless it succeeded (lib/custody/token-custody.ts); a Vercel sync says
   * how far it got itself.
   */
  leaves?: string;
  /**
   * At most `requests` in any `perMs`, as the service documents its limit; the sender keeps
   * to it across the run's workers (lib/http/rate-limit.ts). None: no limit is kept.
   */
  rateLimit?: { requests: number; perMs: number };
  /** The service's rate limit as its documentation words it, for the advice on a 429. */
  limitInWords?: string;
};

export const gotoAuthService: ApiService = {
  name: 'GoTo',
  hostSetting: 'GOTO_AUTH_BASE_URL',
  realHost: gotoAuthHost,
  statusPage: gotoStatusPage,
  leaves: 'nothing was written',
  // "API Rate Limit: default 10 requests per second", "applied per API" (docs/goto-facts.md §5e).
  limitInWords: '10 requests per second per API',
};

export const gotoApiService: ApiService = {
  ...gotoAuthService,
  hostSetting: 'GOTO_API_BASE_URL',
  realHost: gotoApiHost,
  // "API Rate Limit: default 10 requests per second", "applied per API" (docs/goto-facts.md §5e).
  rateLimit: { requests: 10, perMs: 1000 },
};

export const vercelApiService: ApiService = {
  name: 'Vercel',
  hostSetting: 'VERCEL_API_BASE_URL',
  realHost: 'api.vercel.com',
  statusPage: 'https://www.vercel-status.com',
};

export const vercelDeployHookService: ApiService = { ...vercelApiService, hostSetting: 'VERCEL_DEPLOY_HOOK_URL' };
