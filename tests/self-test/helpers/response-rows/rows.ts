import type * as definitions from '../../../../requests';
import type { PreparedRequest } from '../../../../requests';
import type { ResponseContext } from '../../../../lib/http/process-response';

/*
 * How the rows of process-response.spec.ts are written: a canned answer to one request, and
 * what processing it gives (the typed body) or throws (the error, with its facts written out).
 * One file of rows per service: token-endpoint.ts, users-me.ts, webinar-api.ts, vercel.ts.
 */

/** The clock an HTTP-date Retry-After is read against: Monday 2 March 2026, 09:00 UTC. */
export const now = Date.parse('2026-03-02T09:00:00Z');

/** A canned answer: what `new Response(body, { status, headers })` is made of. */
export type Answer = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Fed as its status, headers and text (`receivedResponse`), as a server may send it, where
   * `new Response(…)` would not: it gives a string body a text/plain content-type, and refuses
   * a 204 any bytes.
   */
  raw?: true;
};

export const jsonType = { 'content-type': 'application/json;charset=UTF-8' };

/** A JSON answer, as GoTo and Vercel send them. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { ...jsonType, ...headers }, body: JSON.stringify(value) };
}

/** JSON text written by hand, for what JSON.stringify cannot write: a bare 19-digit number. */
export function jsonText(status: number, body: string): Answer {
  return { status, headers: jsonType, body };
}

/** A request definition, by the name of its function in requests/. */
export type Definition = keyof typeof definitions & `${string}Request`;

export type Row = {
  definition: Definition;
  title: string;
  request: PreparedRequest;
  answer: Answer;
  /** What the exchange adds: attempts, the Retry-After cap. The clock is always `now`. */
  context?: Omit<ResponseContext, 'now'>;
  /** Values of the body that no error may show, besides the request's secrets. */
  notShown?: string[];
};

/** The answer is the step's success: this typed body comes back. */
export type TypedBodyRow = Row & { body: unknown };

/** Another status: ApiStatusError, with the service's words and the step's advice. */
export type StatusErrorRow = Row & {
  expected: {
    status: number;
    /** The service's error code and description, as the error holds them. */
    error?: string;
    description?: string;
    /** The message's first line. */
    headline: string;
    advice: string | RegExp;
    retryAfterSeconds?: number;
    bodyNote?: string;
  };
};

/** A success status whose body is not what the service documents: ApiBodyError. */
export type BodyErrorRow = Row & {
  expected: {
    status: number;
    /** The message up to the problem. */
    says: string;
    problem: string | RegExp;
    advice: string;
  };
};

export type ResponseRows = { typedBodies: TypedBodyRow[]; statusErrors: StatusErrorRow[]; bodyErrors: BodyErrorRow[] };

// Words more than one service's rows expect.

/** The advice for an access token a GoTo API rejected (requests/api-endpoint.ts). */
export const refreshAgain =
  'the access token is invalid or has expired (they last 60 minutes): run the refresh step (`npx playwright test --grep @refresh`).';

/** The advice for a body GoTo's API does not document. */
export const gotoApiBodyAdvice =
  'check that GOTO_API_BASE_URL points at GoTo, not at a proxy or a login page; nothing was written.';
