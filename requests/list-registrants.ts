import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { gotoDateTime } from './goto-time';
import { webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getAllRegistrantsForWebinarOperation = {
  operationId: 'getAllRegistrantsForWebinar',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants',
} as const satisfies WebinarOperation;

/** OpenAPI `Registrant`: `APPROVED`, `DENIED` or `WAITING` (for approval). */
export const registrantSchema = z.looseObject({
  registrantKey: gotoKey,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  registrationDate: gotoDateTime.optional(),
  status: z.enum(['APPROVED', 'DENIED', 'WAITING']).optional(),
  joinUrl: z.string().optional(),
  timeZone: z.string().optional(),
});
export type Registrant = z.infer<typeof registrantSchema>;

/** `RegistrantArray`: the answer when neither `page` nor `limit` is sent. */
export const registrantArraySchema = z.array(registrantSchema);

/** `RegistrantPaginatedResponse`: the answer when `page` or `limit` is sent. `page` is 0-based. */
export const registrantPageSchema = z.looseObject({
  data: z.array(registrantSchema),
  total: z.number().int().nonnegative(),
  page: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  /** How many are on this page. */
  pageSize: z.number().int().nonnegative(),
});
export type RegistrantPage = z.infer<typeof registrantPageSchema>;

export const listRegistrantsInput = webinarInput.extend({
  /**
   * Either of them asks for `RegistrantPaginatedResponse` ("When you pass the page or limit
   * parameter the response will follow RegistrantPaginatedResponse schema", the OpenAPI).
   */
  page: z.number().int().nonnegative().optional(),
  /** At most 200. */
  limit: z.number().int().min(1).max(200).optional(),
});
export type ListRegistrantsInput = z.input<typeof listRegistrantsInput>;
type Paged = ListRegistrantsInput & ({ page: number } | { limit: number });

/**
 * `GET …/webinars/{webinarKey}/registrants` (operation `getAllRegistrantsForWebinar`). Its
 * 200 body is a `oneOf`: a plain array, or a page when `page` or `limit` is sent; the input
 * picks which, and the type follows.
 */
export function listRegistrantsRequest(
  input: Paged,
): PreparedRequest<typeof registrantPageSchema, typeof apiErrorSchema>;
export function listRegistrantsRequest(
  input: ListRegistrantsInput & { page?: undefined; limit?: undefined },
): PreparedRequest<typeof registrantArraySchema, typeof apiErrorSchema>;
export function listRegistrantsRequest(
  input: ListRegistrantsInput,
): PreparedRequest<typeof registrantPageSchema | typeof registrantArraySchema, typeof apiErrorSchema>;
export function listRegistrantsRequest(
  input: ListRegistrantsInput,
): PreparedRequest<typeof registrantPageSchema | typeof registrantArraySchema, typeof apiErrorSchema> {
  const parsed = listRegistrantsInput.parse(input);
  const paged = parsed.page !== undefined || parsed.limit !== undefined;
  return webinarApiRequest({
    operation: getAllRegistrantsForWebinarOperation,
    step: paged ? 'list a page of a webinar’s registrants' : 'list a webinar’s registrants',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    query: { page: parsed.page, limit: parsed.limit },
    success: paged ? registrantPageSchema : registrantArraySchema,
    notFound: 'GoTo knows no webinar with this key',
  });
}
