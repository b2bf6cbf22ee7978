import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import type { PreparedRequest } from './request-definition';
import { registrantInput, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const deleteRegistrantOperation = {
  operationId: 'deleteRegistrant',
  method: 'DELETE',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants/{registrantKey}',
} as const satisfies WebinarOperation;

/** 204 No Content: nothing to parse (RFC 9110 §15.3.5). */
export const registrantDeletedSchema = z.undefined();

export type DeleteRegistrantInput = z.input<typeof registrantInput>;

/**
 * `DELETE …/registrants/{registrantKey}` (operation `deleteRegistrant`). "The webinar must be
 * a scheduled, future webinar" (the OpenAPI).
 */
export function deleteRegistrantRequest(
  input: DeleteRegistrantInput,
): PreparedRequest<typeof registrantDeletedSchema, typeof apiErrorSchema> {
  const parsed = registrantInput.parse(input);
  return webinarApiRequest({
    operation: deleteRegistrantOperation,
    step: 'delete a registrant',
    input: parsed,
    params: {
      organizerKey: parsed.organizerKey,
      webinarKey: parsed.webinarKey,
      registrantKey: parsed.registrantKey,
    },
    successStatus: 204,
    success: registrantDeletedSchema,
    notFound: 'GoTo knows no registrant with this key for this webinar (deleted already?)',
    advice: (facts) =>
      facts.status === 400 ? 'GoTo deletes registrants of scheduled, future webinars only.' : undefined,
  });
}
