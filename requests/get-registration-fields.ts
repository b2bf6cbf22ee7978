import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getRegistrationFieldsOperation = {
  operationId: 'getRegistrationFields',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants/fields',
} as const satisfies WebinarOperation;

/** OpenAPI `RegistrationField`: one of the standard fields the organizer put on the form. */
export const registrationFieldSchema = z.looseObject({
  /** A `RegistrantFields` property name: `firstName`, `phone`, `organization`, … */
  field: z.string(),
  required: z.boolean(),
  maxSize: z.number().int().optional(),
  /** The choices of a multiple-choice field. */
  answers: z.array(z.string()).optional(),
});

/** OpenAPI `RegistrationQuestion`: a custom question, answered in `responses` of createRegistrant. */
export const registrationQuestionSchema = z.looseObject({
  questionKey: gotoKey,
  question: z.string(),
  required: z.boolean(),
  type: z.enum(['multipleChoice', 'shortAnswer']),
  maxSize: z.number().int().optional(),
  /** OpenAPI `RegistrationAnswer`. */
  answers: z.array(z.looseObject({ answer: z.string(), answerKey: gotoKey })).optional(),
});
export type RegistrationQuestion = z.infer<typeof registrationQuestionSchema>;

/** OpenAPI `RegistrationFields`. */
export const registrationFieldsSchema = z.looseObject({
  fields: z.array(registrationFieldSchema),
  questions: z.array(registrationQuestionSchema),
});
export type RegistrationFields = z.infer<typeof registrationFieldsSchema>;

export type GetRegistrationFieldsInput = z.input<typeof webinarInput>;

/** `GET …/registrants/fields` (operation `getRegistrationFields`): what createRegistrant needs for this webinar. */
export function getRegistrationFieldsRequest(
  input: GetRegistrationFieldsInput,
): PreparedRequest<typeof registrationFieldsSchema, typeof apiErrorSchema> {
  const parsed = webinarInput.parse(input);
  return webinarApiRequest({
    operation: getRegistrationFieldsOperation,
    step: 'read a webinar’s registration fields',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    success: registrationFieldsSchema,
    notFound: 'GoTo knows no webinar with this key',
  });
}
