import type { z } from 'zod';
import type { PreparedRequest } from '../../requests';
import { ApiBodyError, ApiStatusError, type RequestFacts } from '../errors';
import { redactText, shownPath } from './redact';
import { mediaType, readResponse, tokensIn, type ReceivedResponse } from './response-body';
import { serverWait } from './retry-policy';

/**
 * What a response means for the request it answers, apart from sending it, as oauth4webapi's
 * `process…Response` functions are apart from its `…Request` ones: the step's success body,
 * typed by its schema, or the error a person reads. Pure (given `now`): a test feeds it
 * `new Response(…)` and no server (tests/self-test/process-response.spec.ts); the sender
 * feeds it the answer it has already recorded (./send-request.ts).
 */

/** What the exchange around a response adds to its error. Every field has a default. */
export type ResponseContext = {
  /** How many times the request was sent, this answer's included. Default: 1. */
  attempts?: number;
  /**
   * The longest `Retry-After` the sender waits for, in milliseconds; an answer that asks for
   * longer gets advice saying when to run again. Default: 30000 (SendOptions.maxRetryAfterMs).
   */
  maxRetryAfterMs?: number;
  /** The time an HTTP-date `Retry-After` is read against, in epoch ms. Default: `Date.now()`. */
  now?: number;
};

/**
 * The request's success body, checked by its schema, from a WHATWG `Response`, which this
 * reads whole. Throws as `processReceived` does.
 */
export async function processResponse<Success extends z.ZodType>(
  request: PreparedRequest<Success>,
  response: Response,
  context: ResponseContext = {},
): Promise<z.output<Success>> {
  return processReceived(request, await readResponse(response), context);
}

/**
 * The request's success body, checked by its schema, from a response already read
 * (./response-body.ts). Throws ApiStatusError for a status that is not the request's
 * success, with the service's own error code and description (redacted) and the request's
 * advice; ApiBodyError for a success whose body is not JSON or fails the schema, naming
 * fields and never values.
 */
export function processReceived<Success extends z.ZodType>(
  request: PreparedRequest<Success>,
  received: ReceivedResponse,
  context: ResponseContext = {},
): z.output<Success> {
  const facts = requestFacts(request, context.attempts ?? 1);
  if (!isSuccess(request, received.status)) throw statusError(request, facts, received, context);
  return checkedBody(request, facts, received);
}

/** Whether a status is the request's success (PreparedRequest.successStatus, otherSuccessStatuses). */
export function isSuccess(request: PreparedRequest, status: number): boolean {
  return status === request.successStatus || (request.otherSuccessStatuses ?? []).includes(status);
}

/** What every error of this request says about it: the service, the step, the method and the path as shown. */
export function requestFacts(request: PreparedRequest, attempts: number): RequestFacts {
  return { service: request.service, step: request.step, method: request.method, path: shownPath(request), attempts };
}

/** Every secret a response can be shown with: the request's, and the tokens the body itself carries. */
export function secretsSeen(request: PreparedRequest, received: ReceivedResponse): string[] {
  return [...request.secrets, ...tokensIn(received.body)];
}

/** The error for an unexpected status: the service's own words (redacted), and advice from the step. */
function statusError(
  request: PreparedRequest,
  facts: RequestFacts,
  received: ReceivedResponse,
  context: ResponseContext,
): ApiStatusError {
  const { status, headers, body } = received;
  const parsed = body.json.ok ? request.failure.safeParse(body.json.value) : undefined;
  const failure = request.failureFacts(status, parsed?.success ? parsed.data : undefined, headers);
  // A server may echo what it was sent; nothing it says is shown unredacted.
  const secrets = secretsSeen(request, received);
  if (failure.error) failure.error = redactText(failure.error, secrets);
  if (failure.description) failure.description = redactText(failure.description, secrets);
  const now = context.now ?? Date.now();
  const maxRetryAfterMs = context.maxRetryAfterMs ?? 30_000;
  // RFC 9110 §10.2.3; only where the status says the request may be sent again.
  const { serverWaitMs, tooLong } = serverWait({
    status,
    retryAfter: headers.get('retry-after'),
    now,
    maxRetryAfterMs,
  });
  return new ApiStatusError({
    ...facts,
    facts: failure,
    stepAdvice: request.advice,
    ...(serverWaitMs === undefined
      ? {}
      : { serverWait: { waitMs: serverWaitMs, now, longerThanMs: maxRetryAfterMs, tooLong } }),
    ...(!body.json.ok && body.text.trim() !== ''
      ? { bodyNote: `a body that is not JSON (content-type ${mediaType(body.contentType) ?? 'missing'})` }
      : {}),
  });
}

/** The success body, checked against the step's schema. */
function checkedBody<Success extends z.ZodType>(
  request: PreparedRequest<Success>,
  facts: RequestFacts,
  { status, body }: ReceivedResponse,
): z.output<Success> {
  // RFC 9110 §15.3.5: a 204 response cannot have content, whatever bytes came.
  if (status === 204) return parsedOrThrown(request, facts, status, undefined);
  if (!body.json.ok) {
    const notJson = { empty: body.text.trim() === '', mediaType: mediaType(body.contentType) };
    throw new ApiBodyError({ ...facts, status, notJson });
  }
  return parsedOrThrown(request, facts, status, body.json.value);
}

function parsedOrThrown<Success extends z.ZodType>(
  request: PreparedRequest<Success>,
  facts: RequestFacts,
  status: number,
  value: unknown,
): z.output<Success> {
  const parsed = request.success.safeParse(value);
  // zod leaves input values out of its issues (no `reportInput`; ApiBodyError makes sure),
  // so the error names the culprit fields and never their values.
  if (!parsed.success) throw new ApiBodyError({ ...facts, status, issues: parsed.error.issues });
  return parsed.data;
}
