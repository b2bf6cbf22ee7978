import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { gotoDateTime } from './goto-time';
import { halListSchema, halPaging, webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getAllSessionsOperation = {
  operationId: 'getAllSessions',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/sessions',
} as const satisfies WebinarOperation;

/**
 * OpenAPI `ReportingSession`: a session that has taken place. Its sixteen required fields
 * are kept optional but for the keys and times a caller goes on with.
 */
export const reportingSessionSchema = z.looseObject({
  sessionKey: gotoKey,
  webinarKey: gotoKey,
  webinarName: z.string().optional(),
  startTime: gotoDateTime,
  endTime: gotoDateTime,
  registrantsAttended: z.number().int().nonnegative().optional(),
  registrantCount: z.number().int().nonnegative().optional(),
  accountKey: gotoKey.optional(),
  creatingOrganizerKey: gotoKey.optional(),
  creatingOrganizerName: z.string().optional(),
  startingOrganizerKey: gotoKey.optional(),
  startingOrganizerName: z.string().optional(),
  totalPollCount: z.number().int().nonnegative().optional(),
  timeZone: z.string().optional(),
  experienceType: z.string().optional(),
  webinarID: z.string().optional(),
});
export type ReportingSession = z.infer<typeof reportingSessionSchema>;

/** `ReportingSessionsResponse`: `_embedded.sessionInfoResources` and `page`. */
export const listSessionsSchema = halListSchema('sessionInfoResources', reportingSessionSchema);
export type ListSessions = z.infer<typeof listSessionsSchema>;

export const listSessionsInput = webinarInput.extend(halPaging);
export type ListSessionsInput = z.input<typeof listSessionsInput>;

/** `GET …/webinars/{webinarKey}/sessions` (operation `getAllSessions`): the webinar's past sessions. */
export function listSessionsRequest(
  input: ListSessionsInput,
): PreparedRequest<typeof listSessionsSchema, typeof apiErrorSchema> {
  const parsed = listSessionsInput.parse(input);
  return webinarApiRequest({
    operation: getAllSessionsOperation,
    step: 'list a webinar’s past sessions',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    query: { page: parsed.page, size: parsed.size },
    success: listSessionsSchema,
    notFound: 'GoTo knows no webinar with this key',
  });
}
