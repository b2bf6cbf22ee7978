import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { attendeeSchema } from './list-session-attendees';
import type { PreparedRequest } from './request-definition';
import { halListSchema, halPaging, webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getAttendeesForAllWebinarSessionsOperation = {
  operationId: 'getAttendeesForAllWebinarSessions',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/attendees',
} as const satisfies WebinarOperation;

/** `ReportingAttendeeResponse`: `_embedded.attendeeParticipationResponses` (`ReportingAttendee`) and `page`. */
export const listWebinarAttendeesSchema = halListSchema('attendeeParticipationResponses', attendeeSchema);
export type ListWebinarAttendees = z.infer<typeof listWebinarAttendeesSchema>;

export const listWebinarAttendeesInput = webinarInput.extend(halPaging);
export type ListWebinarAttendeesInput = z.input<typeof listWebinarAttendeesInput>;

/** `GET …/webinars/{webinarKey}/attendees` (operation `getAttendeesForAllWebinarSessions`). */
export function listWebinarAttendeesRequest(
  input: ListWebinarAttendeesInput,
): PreparedRequest<typeof listWebinarAttendeesSchema, typeof apiErrorSchema> {
  const parsed = listWebinarAttendeesInput.parse(input);
  return webinarApiRequest({
    operation: getAttendeesForAllWebinarSessionsOperation,
    step: 'list the attendees of all a webinar’s sessions',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    query: { page: parsed.page, size: parsed.size },
    success: listWebinarAttendeesSchema,
    notFound: 'GoTo knows no webinar with this key',
  });
}
