import type { FailureFacts } from '../../requests/request-definition';
import { GotoRunnerError } from './goto-runner-error';
import { requestHeadline, type RequestFacts } from './request-facts';

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

  constructor(
    init: RequestFacts & {
      facts: FailureFacts;
      advice: string;
      retryAfterSeconds?: number;
      bodyNote?: string;
    },
  ) {
    const { facts, bodyNote } = init;
    const said = [facts.error, facts.description && `(${JSON.stringify(facts.description)})`].filter(Boolean).join(' ');
    const headline =
      `${requestHeadline(init)} answered HTTP ${facts.status}` +
      `${said ? ` ${said}` : ''}${bodyNote ? ` with ${bodyNote}` : ''}.`;
    super('API_STATUS', { headline, advice: init.advice });
    this.api = init.service.name;
    this.step = init.step;
    this.method = init.method;
    this.path = init.path;
    this.status = facts.status;
    this.error = facts.error;
    this.description = facts.description;
    this.attempts = init.attempts ?? 1;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.bodyNote = bodyNote;
  }
}
