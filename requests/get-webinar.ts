import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { dateTimeRangeSchema, webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getWebinarOperation = {
  operationId: 'getWebinar',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}',
} as const satisfies WebinarOperation;

/**
 * OpenAPI `WebinarByKey`. The spec requires all twenty fields and types the keys int64; a key
 * is kept as a string (requests/goto-key.ts) and only what identifies the webinar and its
 * times is required, as with the list (requests/list-webinars.ts).
 */
export const webinarByKeySchema = z.looseObject({
  webinarKey: gotoKey,
  webinarID: z.string().optional(),
  subject: z.string(),
  description: z.string().optional(),
  organizerKey: gotoKey.optional(),
  organizerEmail: z.string().optional(),
  organizerName: z.string().optional(),
  /** For a `sequence`, its future times (the OpenAPI's description of getWebinar). */
  times: z.array(dateTimeRangeSchema),
  registrationUrl: z.string().optional(),
  inSession: z.boolean().optional(),
  impromptu: z.boolean().optional(),
  /** `single_session`, `series` or `sequence`. */
  type: z.string().optional(),
  timeZone: z.string().optional(),
  numberOfRegistrants: z.number().int().nonnegative().optional(),
  registrationLimit: z.number().int().optional(),
  locale: z.string().optional(),
  accountKey: gotoKey.optional(),
  recurrencePeriod: z.string().optional(),
  experienceType: z.string().optional(),
  isPasswordProtected: z.boolean().optional(),
});
export type WebinarByKey = z.infer<typeof webinarByKeySchema>;

export type GetWebinarInput = z.input<typeof webinarInput>;

/** `GET …/organizers/{organizerKey}/webinars/{webinarKey}` (operation `getWebinar`). */
export function getWebinarRequest(
  input: GetWebinarInput,
): PreparedRequest<typeof webinarByKeySchema, typeof apiErrorSchema> {
  const parsed = webinarInput.parse(input);
  return webinarApiRequest({
    operation: getWebinarOperation,
    step: 'read a webinar',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    success: webinarByKeySchema,
    notFound: 'GoTo knows no webinar with this key (a cancelled webinar answers 404 too)',
  });
}
