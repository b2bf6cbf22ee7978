import * as z from 'zod';
import { apiGetRequest, type apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { webinarScope } from './goto-scopes';
import type { PreparedRequest } from './request-definition';

/**
 * A webinar as the list returns it (GoTo's OpenAPI `Webinar`). The spec's `required` list
 * names fields its own examples leave out (`status`, `webinarId`), so only what a caller
 * needs to identify a webinar is required here; the rest is kept as it comes.
 */
export const webinarSchema = z.looseObject({
  webinarKey: gotoKey,
  webinarID: z.string().optional(),
  organizerKey: gotoKey.optional(),
  accountKey: gotoKey.optional(),
  subject: z.string(),
  description: z.string().optional(),
  times: z.array(z.object({ startTime: z.iso.datetime({ offset: true }), endTime: z.iso.datetime({ offset: true }) })),
  timeZone: z.string().optional(),
  registrationUrl: z.string().optional(),
});
export type Webinar = z.infer<typeof webinarSchema>;

/**
 * `ReportingWebinarsResponse`. `_embedded` is optional because HAL (Spring HATEOAS)
 * servers omit it when the page is empty.
 */
export const listWebinarsSchema = z.looseObject({
  _embedded: z.looseObject({ webinars: z.array(webinarSchema) }).optional(),
  page: z.looseObject({
    size: z.number().int().nonnegative(),
    totalElements: z.number().int().nonnegative(),
    totalPages: z.number().int().nonnegative(),
    /** 0-based. */
    number: z.number().int().nonnegative(),
  }),
});
export type ListWebinars = z.infer<typeof listWebinarsSchema>;

export const listWebinarsInput = z.object({
  apiBaseUrl: z.url(),
  accessToken: z.string().min(1),
  organizerKey: gotoKey,
  /** Both ends are required by GoTo (400 without them) and sent as ISO 8601 UTC. */
  fromTime: z.date(),
  toTime: z.date(),
  page: z.number().int().nonnegative().default(0),
  /** GoTo's maximum page size is 200. */
  size: z.number().int().min(1).max(200).default(20),
  /** The call repeats one whose access token was rejected, with a freshly refreshed one (for the advice). */
  afterRefresh: z.boolean().optional(),
});
export type ListWebinarsInput = z.input<typeof listWebinarsInput>;

/** `GET /G2W/rest/v2/organizers/{organizerKey}/webinars` (operation `getWebinars`); needs the scope `collab:`. */
export function listWebinarsRequest(
  input: ListWebinarsInput,
): PreparedRequest<typeof listWebinarsSchema, typeof apiErrorSchema> {
  const { apiBaseUrl, accessToken, organizerKey, fromTime, toTime, page, size, afterRefresh } =
    listWebinarsInput.parse(input);
  const url = new URL(`/G2W/rest/v2/organizers/${encodeURIComponent(organizerKey)}/webinars`, apiBaseUrl);
  // GoTo wants UTC without milliseconds (`2020-03-13T10:00:00Z`); URLSearchParams escapes
  // the reserved characters its docs warn about.
  url.searchParams.set('fromTime', isoUtcSeconds(fromTime));
  url.searchParams.set('toTime', isoUtcSeconds(toTime));
  url.searchParams.set('page', String(page));
  url.searchParams.set('size', String(size));
  return apiGetRequest({
    step: 'list the organizer’s webinars',
    url,
    accessToken,
    success: listWebinarsSchema,
    scope: webinarScope,
    organizerInPath: true,
    afterRefresh,
  });
}

function isoUtcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
