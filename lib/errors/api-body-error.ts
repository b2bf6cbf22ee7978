import { GotoRunnerError } from './goto-runner-error';
import { requestHeadline, withLeaves, type RequestFacts } from './request-facts';

/**
 * The request succeeded, but the body is not what the service documents (not JSON, or
 * rejected by the step's zod schema). Deliberately not a status error: the status was fine.
 */
export class ApiBodyError extends GotoRunnerError {
  declare readonly code: 'API_BODY';
  readonly api: string;
  readonly step: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** What is wrong with the body, naming fields, never values. */
  readonly problem: string;
  readonly attempts: number;
  /** The message without its advice: what was sent and what came back. */
  readonly headline: string;
  readonly advice: string;

  constructor(init: RequestFacts & { status: number; problem: string }) {
    const { service } = init;
    const headline =
      `${requestHeadline(init)} answered HTTP ${init.status}, ` +
      `but the body is not what ${service.name} documents:\n${init.problem}`;
    const advice = withLeaves(
      `check that ${service.hostSetting} points at ${service.name}, not at a proxy or a login page`,
      service,
    );
    super('API_BODY', `${headline}\nWhat to do: ${advice}`);
    this.api = service.name;
    this.step = init.step;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.problem = init.problem;
    this.attempts = init.attempts ?? 1;
    this.headline = headline;
    this.advice = advice;
  }
}
