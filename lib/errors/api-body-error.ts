import * as z from 'zod';
import { GotoRunnerError } from './goto-runner-error';
import { requestHeadline, withLeaves, type RequestFacts } from './request-facts';

/** A body that is not JSON at all: empty, of another media type, or JSON cut off. */
export type NotJsonBody = {
  /** Nothing but white space came. */
  empty: boolean;
  /** The Content-Type's media type (`text/html`), none when the header was missing. */
  mediaType: string | undefined;
};

type BodyFacts = RequestFacts & { status: number } & (
    { issues: readonly z.core.$ZodIssue[]; notJson?: undefined } | { notJson: NotJsonBody; issues?: undefined }
  );

/**
 * The request succeeded, but the body is not what the service documents (not JSON, or
 * rejected by the step's zod schema). Deliberately not a status error: the status was fine,
 * as ky's SchemaValidationError is not an HTTPError. Holds the schema's `issues` as data
 * (zod v4's, without any input value), not a text made of them.
 */
export class ApiBodyError extends GotoRunnerError {
  declare readonly code: 'API_BODY';
  readonly api: string;
  readonly step: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** What the step's schema refused, naming fields, never values; none when the body is not JSON. */
  readonly issues: readonly z.core.$ZodIssue[];
  /** What came instead of JSON, when it did. */
  readonly notJson: NotJsonBody | undefined;
  /** The issues (z.prettifyError) or what came instead of JSON, in words. */
  readonly problem: string;
  readonly attempts: number;

  constructor(init: BodyFacts) {
    const { service } = init;
    const issues = (init.issues ?? []).map(withoutInput);
    const problem = init.notJson ? notJsonProblem(init.notJson) : z.prettifyError(new z.ZodError([...issues]));
    super('API_BODY', {
      headline:
        `${requestHeadline(init)} answered HTTP ${init.status}, ` +
        `but the body is not what ${service.name} documents:`,
      details: [problem],
      advice: withLeaves(
        `check that ${service.hostSetting} points at ${service.name}, not at a proxy or a login page`,
        service,
      ),
    });
    this.api = service.name;
    this.step = init.step;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.issues = issues;
    this.notJson = init.notJson;
    this.problem = problem;
    this.attempts = init.attempts ?? 1;
  }
}

function notJsonProblem({ empty, mediaType }: NotJsonBody): string {
  if (empty) return 'the body is empty';
  return mediaType === 'application/json'
    ? 'the body is not valid JSON although its content-type says so (it may have been cut off)'
    : `the body is not JSON (content-type ${mediaType ?? 'missing'})`;
}

/**
 * The issue without `input`, at any depth (a union's `errors`, a map key's `issues`): zod v4
 * leaves it out unless a schema asks for `reportInput`, and a token must never ride along.
 */
function withoutInput<Value>(value: Value): Value {
  if (Array.isArray(value)) return value.map(withoutInput) as Value;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => key !== 'input');
  return Object.fromEntries(entries.map(([key, inner]) => [key, withoutInput(inner)])) as Value;
}
