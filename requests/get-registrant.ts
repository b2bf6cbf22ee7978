import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { registrantSchema } from './list-registrants';
import type { PreparedRequest } from './request-definition';
import { registrantInput, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getRegistrantOperation = {
  operationId: 'getRegistrant',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants/{registrantKey}',
} as const satisfies WebinarOperation;

/** OpenAPI `RegistrantDetailed`: a `Registrant` with every field of the registration form. */
export const registrantDetailedSchema = registrantSchema.extend({
  source: z.string().optional(),
  phone: z.string().optional(),
  state: z.string().optional(),
  city: z.string().optional(),
  organization: z.string().optional(),
  zipCode: z.string().optional(),
  numberOfEmployees: z.string().optional(),
  industry: z.string().optional(),
  jobTitle: z.string().optional(),
  purchasingRole: z.string().optional(),
  implementationTimeFrame: z.string().optional(),
  purchasingTimeFrame: z.string().optional(),
  questionsAndComments: z.string().optional(),
  employeeCount: z.string().optional(),
  country: z.string().optional(),
  address: z.string().optional(),
  /** `REGULAR`, or `LATE` for a registration to a past webinar; absent for a series. */
  type: z.enum(['REGULAR', 'LATE']).optional(),
  unsubscribed: z.boolean().optional(),
  /** OpenAPI `CustomAnswers`. */
  responses: z.array(z.looseObject({ question: z.string(), answer: z.string() })).optional(),
});
export type RegistrantDetailed = z.infer<typeof registrantDetailedSchema>;

export type GetRegistrantInput = z.input<typeof registrantInput>;

/** `GET …/registrants/{registrantKey}` (operation `getRegistrant`). */
export function getRegistrantRequest(
  input: GetRegistrantInput,
): PreparedRequest<typeof registrantDetailedSchema, typeof apiErrorSchema> {
  const parsed = registrantInput.parse(input);
  return webinarApiRequest({
    operation: getRegistrantOperation,
    step: 'read a registrant',
    input: parsed,
    params: {
      organizerKey: parsed.organizerKey,
      webinarKey: parsed.webinarKey,
      registrantKey: parsed.registrantKey,
    },
    success: registrantDetailedSchema,
    notFound: 'GoTo knows no registrant with this key for this webinar',
  });
}
