import type { z } from 'zod';
import type { ApiService } from './api-service';

/** Which configured host a request goes to: the OAuth server or the product API. */
export type Host = 'auth' | 'api';

/** What the caller learns about a failed response, to turn into advice for a person. */
export type FailureFacts = {
  status: number;
  /** OAuth `error` (RFC 6749 §5.2), Webinar API `int_err_code`/`errorCode`, or `WWW-Authenticate` `error` (RFC 6750 §3). */
  error?: string;
  description?: string;
};

/**
 * One HTTP call, fully built from typed inputs and ready to send. It carries the zod
 * schemas of its success and error bodies, so the sender can check them, and the list of
 * secret values it contains, so nothing that shows the call (step titles, attachments,
 * errors) can show them.
 */
export type PreparedRequest<Success extends z.ZodType = z.ZodType, Failure extends z.ZodType = z.ZodType> = {
  /** What the step does, in words; used as the `test.step` title. Never holds a value. */
  step: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  /** An `application/x-www-form-urlencoded` body (RFC 6749 Appendix B). */
  form?: Record<string, string>;
  /**
   * A JSON body (RFC 8259), sent as `JSON.stringify` writes it, except that a `LosslessNumber`
   * goes out as the bare number it holds, digit for digit (an `int64` key, requests/goto-key.ts);
   * not with `form`. Wherever the request is shown, every string in it that holds one of
   * `secrets` is redacted.
   */
  json?: unknown;
  /**
   * The one status that means success. A 204 (RFC 9110 §15.3.5) has no content: its body is
   * checked as `undefined` against `success` (`z.undefined()`).
   */
  successStatus: number;
  /**
   * Further statuses that also mean success, for an endpoint whose documentation shows a
   * success body but not its status (Vercel's deploy hooks). Default: none.
   */
  otherSuccessStatuses?: readonly number[];
  success: Success;
  failure: Failure;
  /** Every secret value in this request (client secret, Basic value, code, tokens). */
  secrets: string[];
  /**
   * What of a JSON answer reports may show, before it is redacted; default: all of it. For an
   * answer that holds values this request did not send and has no business showing (the
   * other variables of a Vercel project, requests/vercel-list-env.ts).
   */
  shownJson?: (json: unknown) => unknown;
  /** Reads GoTo's error code and description out of a failed response. */
  failureFacts: (status: number, body: z.output<Failure> | undefined, headers: Headers) => FailureFacts;
  /** What a person should do next, given the facts of a failure. */
  advice: (facts: FailureFacts) => string;
  /** The service it talks to: its errors name it and build their advice from it. */
  service: ApiService;
};

/** Fields whose values are secret wherever they appear in a form or JSON body. */
export const secretFieldNames: ReadonlySet<string> = new Set([
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
]);
