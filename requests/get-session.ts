import type * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { listSessionAttendeesSchema } from './list-session-attendees';
import type { PreparedRequest } from './request-definition';
import { sessionInput, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getWebinarSessionOperation = {
  operationId: 'getWebinarSession',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/sessions/{sessionKey}',
} as const satisfies WebinarOperation;

/**
 * "Retrieves attendance details for a specific webinar session that has ended": the OpenAPI
 * gives its 200 body as an array of `Attendee`, the same as getAttendees, and so does this.
 */
export const getSessionSchema = listSessionAttendeesSchema;
export type GetSession = z.infer<typeof getSessionSchema>;

export type GetSessionInput = z.input<typeof sessionInput>;

/** `GET …/webinars/{webinarKey}/sessions/{sessionKey}` (operation `getWebinarSession`). */
export function getSessionRequest(
  input: GetSessionInput,
): PreparedRequest<typeof getSessionSchema, typeof apiErrorSchema> {
  const parsed = sessionInput.parse(input);
  return webinarApiRequest({
    operation: getWebinarSessionOperation,
    step: 'read a past session’s attendance',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey, sessionKey: parsed.sessionKey },
    success: getSessionSchema,
    notFound: 'GoTo knows no past session with this key for this webinar',
  });
}
