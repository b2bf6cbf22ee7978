import * as z from 'zod';
import { apiRequest, type apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { gotoDateTime } from './goto-time';
import { webinarScope } from './goto-scopes';
import type { FailureFacts, PreparedRequest } from './request-definition';

/**
 * What the GoTo Webinar v2 calls share: where they live, how their operations are named, the
 * inputs every one of them takes and the pieces of their bodies that recur. Each call is a
 * file of its own beside this one; docs/goto-webinar-v2-openapi.yml is GoTo's description of
 * them, and tests/self-test/openapi-conformance.spec.ts checks each definition against it.
 */

/** The OpenAPI's `servers` entry: `https://api.getgo.com/G2W/rest/v2`. */
export const webinarApiBasePath = '/G2W/rest/v2';

/**
 * One operation of GoTo's OpenAPI, as it names it: `operationId`, method, and the path
 * template under `webinarApiBasePath`, with `{organizerKey}`-style parameters.
 */
export type WebinarOperation = {
  operationId: string;
  method: PreparedRequest['method'];
  path: string;
};

/** The operation's URL with its path parameters filled in (percent-encoded) and the query set. */
export function webinarApiUrl(
  apiBaseUrl: string,
  operation: WebinarOperation,
  params: Record<string, string>,
  query: Record<string, string | number | boolean | undefined> = {},
): URL {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation.operationId} needs the path parameter "${name}"`);
    return encodeURIComponent(value);
  });
  const url = new URL(`${webinarApiBasePath}${path}`, apiBaseUrl);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url;
}

/** What every Webinar call needs: where, with which token, for which organizer. */
export const webinarApiInput = z.object({
  apiBaseUrl: z.url(),
  accessToken: z.string().min(1),
  organizerKey: gotoKey,
});

/** …and for one webinar. */
export const webinarInput = webinarApiInput.extend({ webinarKey: gotoKey });

/** …and for one of its sessions. */
export const sessionInput = webinarInput.extend({ sessionKey: gotoKey });

/** …and for one of its registrants. */
export const registrantInput = webinarInput.extend({ registrantKey: gotoKey });

/**
 * `page` (0-based) and `size` (at most 200) of the HAL lists: webinars, sessions, attendees
 * (OpenAPI parameters `page`, `size`).
 */
export const halPaging = {
  page: z.number().int().nonnegative().optional(),
  size: z.number().int().min(1).max(200).optional(),
};

/** OpenAPI `DateTimeRange`. */
export const dateTimeRangeSchema = z.looseObject({ startTime: gotoDateTime, endTime: gotoDateTime });
export type DateTimeRange = z.infer<typeof dateTimeRangeSchema>;

/** OpenAPI `page`: the paging block of every HAL list (Spring HATEOAS). */
export const halPageSchema = z.looseObject({
  size: z.number().int().nonnegative(),
  totalElements: z.number().int().nonnegative(),
  totalPages: z.number().int().nonnegative(),
  /** 0-based. */
  number: z.number().int().nonnegative(),
});
export type HalPage = z.infer<typeof halPageSchema>;

/**
 * A HAL list: `{"_embedded": {"<key>": [...]}, "page": {...}}`. `_embedded` is optional
 * because Spring HATEOAS leaves it out of an empty page.
 */
export function halListSchema<Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  return z.looseObject({
    _embedded: z.looseObject({ [key]: z.array(item) } as Record<Key, z.ZodArray<Item>>).optional(),
    page: halPageSchema,
  });
}

type WebinarCallParts<Success extends z.ZodType> = {
  operation: WebinarOperation;
  step: string;
  input: { apiBaseUrl: string; accessToken: string };
  /** The operation's path parameters: `organizerKey`, `webinarKey`, … */
  params: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  success: Success;
  successStatus?: number;
  json?: unknown;
  headers?: Record<string, string>;
  /** What an unknown key means here, for the 404's advice. */
  notFound?: string;
  /** The call repeats one whose access token was rejected, with a freshly refreshed one (for the advice). */
  afterRefresh?: boolean;
  advice?: (facts: FailureFacts) => string | undefined;
};

/** A Webinar call, built from its operation: the step's title names the operationId. */
export function webinarApiRequest<Success extends z.ZodType>(
  parts: WebinarCallParts<Success>,
): PreparedRequest<Success, typeof apiErrorSchema> {
  const { operation, input } = parts;
  return apiRequest({
    step: `${parts.step} (${operation.operationId})`,
    method: operation.method,
    url: webinarApiUrl(input.apiBaseUrl, operation, parts.params, parts.query),
    accessToken: input.accessToken,
    success: parts.success,
    ...(parts.successStatus === undefined ? {} : { successStatus: parts.successStatus }),
    ...(parts.json === undefined ? {} : { json: parts.json }),
    ...(parts.headers ? { headers: parts.headers } : {}),
    // Every Webinar call needs `collab:` and names an organizer or an account in its path.
    scope: webinarScope,
    webinarPathKey: operation.path.startsWith('/accounts/') ? 'accountKey' : 'organizerKey',
    ...(parts.afterRefresh === undefined ? {} : { afterRefresh: parts.afterRefresh }),
    advice: (facts) =>
      parts.advice?.(facts) ??
      (facts.status === 404 && parts.notFound
        ? `${parts.notFound} (GOTO_ORGANIZER_KEY must be the organizer who owns it).`
        : undefined),
  });
}
