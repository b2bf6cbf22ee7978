import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { openEnum } from './open-enum';
import type { PreparedRequest } from './request-definition';
import { dateTimeRangeSchema, halListSchema, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getWebinarsOperation = {
  operationId: 'getWebinars',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars',
} as const satisfies WebinarOperation;

/**
 * A webinar as the list returns it (GoTo's OpenAPI `Webinar`). Only the key is required: it
 * is what identifies a webinar, and nothing else in the collection depends on a field being
 * there (the spec's `required` list even names fields its own examples leave out: `status`,
 * `webinarId`). The fields it documents are typed when present, leniently where GoTo's
 * answers may vary (keys as numbers, times in any ISO 8601 offset, values outside its lists);
 * fields it does not document are kept as they come.
 */
export const webinarSchema = z.looseObject({
  webinarKey: gotoKey,
  webinarID: z.string().optional(),
  organizerKey: gotoKey.optional(),
  accountKey: gotoKey.optional(),
  subject: z.string().optional(),
  description: z.string().optional(),
  times: z.array(dateTimeRangeSchema).optional(),
  timeZone: z.string().optional(),
  locale: openEnum(['en_US', 'de_DE', 'es_ES', 'fr_FR', 'it_IT', 'zh_CN']).optional(),
  status: z.string().optional(),
  approvalType: openEnum(['AUTOMATIC', 'MANUAL']).optional(),
  registrationUrl: z.string().optional(),
  impromptu: z.boolean().optional(),
  isPasswordProtected: z.boolean().optional(),
  recurrenceType: openEnum(['single_session', 'series', 'sequence']).optional(),
  experienceType: openEnum(['classic', 'broadcast', 'simulive']).optional(),
});
export type Webinar = z.infer<typeof webinarSchema>;

/** `ReportingWebinarsResponse`. */
export const listWebinarsSchema = halListSchema('webinars', webinarSchema);
export type ListWebinars = z.infer<typeof listWebinarsSchema>;

/** The query of the webinar lists (getWebinars, getAllAccountWebinars). */
export const webinarRange = {
  /** Both ends are required by GoTo (400 without them) and sent as ISO 8601 UTC. */
  fromTime: z.date(),
  toTime: z.date(),
  page: z.number().int().nonnegative().default(0),
  /** GoTo's maximum page size is 200. */
  size: z.number().int().min(1).max(200).default(20),
};

export const listWebinarsInput = z.object({
  apiBaseUrl: z.url(),
  accessToken: z.string().min(1),
  organizerKey: gotoKey,
  ...webinarRange,
  /** The call repeats one whose access token was rejected, with a freshly refreshed one (for the advice). */
  afterRefresh: z.boolean().optional(),
});
export type ListWebinarsInput = z.input<typeof listWebinarsInput>;

/** `GET /G2W/rest/v2/organizers/{organizerKey}/webinars` (operation `getWebinars`); needs the scope `collab:`. */
export function listWebinarsRequest(
  input: ListWebinarsInput,
): PreparedRequest<typeof listWebinarsSchema, typeof apiErrorSchema> {
  const parsed = listWebinarsInput.parse(input);
  return webinarApiRequest({
    operation: getWebinarsOperation,
    step: 'list the organizer’s webinars',
    input: parsed,
    params: { organizerKey: parsed.organizerKey },
    query: rangeQuery(parsed),
    success: listWebinarsSchema,
    afterRefresh: parsed.afterRefresh,
  });
}

/**
 * GoTo wants UTC without milliseconds (`2020-03-13T10:00:00Z`); URLSearchParams escapes the
 * reserved characters its docs warn about.
 */
export function rangeQuery(range: { fromTime: Date; toTime: Date; page: number; size: number }) {
  return {
    fromTime: isoUtcSeconds(range.fromTime),
    toTime: isoUtcSeconds(range.toTime),
    page: range.page,
    size: range.size,
  };
}

function isoUtcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
