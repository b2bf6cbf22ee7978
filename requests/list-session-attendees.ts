import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { gotoDateTime } from './goto-time';
import { sessionInput, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getAttendeesOperation = {
  operationId: 'getAttendees',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/sessions/{sessionKey}/attendees',
} as const satisfies WebinarOperation;

/** OpenAPI `Attendance`: one stay in the session. */
export const attendanceSchema = z.looseObject({ joinTime: gotoDateTime, leaveTime: gotoDateTime });

/**
 * OpenAPI `Attendee` (and `ReportingAttendee`, the same fields): who attended a session and
 * for how long.
 */
export const attendeeSchema = z.looseObject({
  registrantKey: gotoKey,
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string(),
  attendanceTimeInSeconds: z.number().nonnegative(),
  sessionKey: gotoKey.optional(),
  attendance: z.array(attendanceSchema).optional(),
});
export type Attendee = z.infer<typeof attendeeSchema>;

export const listSessionAttendeesSchema = z.array(attendeeSchema);
export type ListSessionAttendees = z.infer<typeof listSessionAttendeesSchema>;

export type ListSessionAttendeesInput = z.input<typeof sessionInput>;

/** `GET …/sessions/{sessionKey}/attendees` (operation `getAttendees`). */
export function listSessionAttendeesRequest(
  input: ListSessionAttendeesInput,
): PreparedRequest<typeof listSessionAttendeesSchema, typeof apiErrorSchema> {
  const parsed = sessionInput.parse(input);
  return webinarApiRequest({
    operation: getAttendeesOperation,
    step: 'list a session’s attendees',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey, sessionKey: parsed.sessionKey },
    success: listSessionAttendeesSchema,
    notFound: 'GoTo knows no past session with this key for this webinar',
  });
}
