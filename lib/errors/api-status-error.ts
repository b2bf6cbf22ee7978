import { retryLaterAdvice } from '../../requests/generic-advice';
import type { FailureFacts } from '../../requests/request-definition';
import { GotoRunnerError } from './goto-runner-error';
import { requestHeadline, type RequestFacts } from './request-facts';

/**
 * A wait the service asked for: `waitMs` from `now`, against the `longerThanMs` the sender
 * waits at most; `tooLong` is the retry policy's own verdict on it (lib/http/retry-policy.ts),
 * handed over rather than worked out again, so the advice never says "run again later"
 * for a wait the sender did not refuse, or the reverse.
 */
export type ServerWaitFacts = { waitMs: number; now: number; longerThanMs: number; tooLong: boolean };

/** What an ApiStatusError is made of. */
type StatusInit = RequestFacts & {
  facts: FailureFacts;
  /** The step's rule for what to do about its failures (its request definition's `advice`), applied here to the facts. */
  stepAdvice: (facts: FailureFacts) => string;
  /** The wait the last answer's `Retry-After` (RFC 9110 §10.2.3) asked for, and whether it was too long. */
  serverWait?: ServerWaitFacts | undefined;
  bodyNote?: string | undefined;
};

/**
 * A service answered, with a status that is not the step's success status. The message is
 * built from the facts: the step, method, path, status, the service's error code and
 * description, how many attempts were made, and what to do next; it never holds headers
 * or bodies (they carry credentials).
 */
export class ApiStatusError extends GotoRunnerError {
  declare readonly code: 'API_STATUS';
  /** The service's name (`GoTo`, `Vercel`). */
  readonly api: string;
  readonly step: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The service's error code: OAuth `error` (RFC 6749 §5.2), `int_err_code`, Vercel's `error.code`. */
  readonly error: string | undefined;
  readonly description: string | undefined;
  readonly attempts: number;
  /** The last answer's `Retry-After` (RFC 9110 §10.2.3) in seconds, when it had one. */
  readonly retryAfterSeconds: number | undefined;
  /** What was odd about the body, e.g. an HTML page where JSON was expected; never the body itself. */
  readonly bodyNote: string | undefined;

  constructor(init: StatusInit) {
    super('API_STATUS', { headline: headlineOf(init), advice: adviceOf(init) });
    const { facts, bodyNote } = init;
    this.api = init.service.name;
    this.step = init.step;
    this.method = init.method;
    this.path = init.path;
    this.status = facts.status;
    this.error = facts.error;
    this.description = facts.description;
    this.attempts = init.attempts ?? 1;
    this.retryAfterSeconds = init.serverWait && Math.ceil(init.serverWait.waitMs / 1000);
    this.bodyNote = bodyNote;
  }
}

function headlineOf(init: StatusInit): string {
  const { facts, bodyNote } = init;
  const said = [facts.error, facts.description && `(${JSON.stringify(facts.description)})`].filter(Boolean).join(' ');
  return (
    `${requestHeadline(init)} answered HTTP ${facts.status}` +
    `${said ? ` ${said}` : ''}${bodyNote ? ` with ${bodyNote}` : ''}.`
  );
}

/**
 * A wait longer than the sender's own limit: when to run again; otherwise (the attempts ran
 * out, or none was worth it) the step's own advice.
 */
function adviceOf(init: StatusInit): string {
  const { facts, serverWait } = init;
  if (serverWait?.tooLong) return retryLaterAdvice(facts.status, init.service, serverWait);
  return init.stepAdvice(facts);
}
