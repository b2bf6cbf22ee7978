import type { ApiService } from '../../requests/api-service';

/** What every failed request's error says about the request: never a header, body or query. */
export type RequestFacts = {
  /** The service it went to; its facts shape the advice. */
  service: ApiService;
  step: string;
  method: string;
  /** The path as it may be shown (redacted where a path is a credential). */
  path: string;
  /** How many times the request was sent; more than 1 after answers worth retrying. */
  attempts?: number;
};

/** `Step "…" failed after 3 attempts: POST /oauth/token`: the start of every request error's message. */
export function requestHeadline(facts: RequestFacts): string {
  const attempts = facts.attempts ?? 1;
  return `Step "${facts.step}" failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${facts.method} ${facts.path}`;
}

/** Advice, then what the failure left behind when the service's description knows it. */
export function withLeaves(advice: string, service: ApiService): string {
  return service.leaves ? `${advice}; ${service.leaves}.` : `${advice}.`;
}
