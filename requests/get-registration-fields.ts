import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { openEnum } from './open-enum';
import type { PreparedRequest } from './request-definition';
import { webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const getRegistrationFieldsOperation = {
  operationId: 'getRegistrationFields',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants/fields',
} as const satisfies WebinarOperation;

/**
 * OpenAPI `RegistrationField`: one of "the default fields the organizer has selected for the
 * webinar registration form" (`RegistrationFields.fields`). Which ones those are is the
 * organizer's choice: GoTo does not promise firstName, lastName or email among them.
 */
export const registrationFieldSchema = z.looseObject({
  /** A `RegistrantFields` property name: `firstName`, `phone`, `organization`, … */
  field: z.string(),
  required: z.boolean(),
  maxSize: z.number().int().optional(),
  /** The choices of a multiple-choice field. */
  answers: z.array(z.string()).optional(),
});

/** The question types GoTo's OpenAPI lists (`RegistrationQuestion.type`). */
export const registrationQuestionTypes = ['multipleChoice', 'shortAnswer'] as const;

/** OpenAPI `RegistrationQuestion`: a custom question, answered in `responses` of createRegistrant. */
export const registrationQuestionSchema = z.looseObject({
  questionKey: gotoKey,
  question: z.string(),
  required: z.boolean(),
  /**
   * One of `registrationQuestionTypes`, or a type GoTo adds later: kept as it came, so that a
   * new kind of question on an organizer's form does not fail the whole answer (the checks warn).
   */
  type: openEnum(registrationQuestionTypes),
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
