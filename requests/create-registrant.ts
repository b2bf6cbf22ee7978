import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey, int64Key } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { webinarApiRequest, webinarInput, type WebinarOperation } from './webinar-api';

export const createRegistrantOperation = {
  operationId: 'createRegistrant',
  method: 'POST',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/registrants',
} as const satisfies WebinarOperation;

/** OpenAPI `RegistrantQAResponse`: the answer to a custom question, as text or as the key of a choice. */
export const registrantAnswerSchema = z.union([
  z.strictObject({ questionKey: gotoKey, responseText: z.string().min(1) }),
  z.strictObject({ questionKey: gotoKey, answerKey: gotoKey }),
]);

/**
 * OpenAPI `RegistrantFields`, the request body: firstName, lastName and email required, the
 * other standard fields as the webinar's form asks for them (getRegistrationFields). A field
 * it does not list is sent as it is, for GoTo to judge: the organizer chooses the
 * form's fields, and GoTo may add ones its OpenAPI does not list yet.
 */
export const registrantFieldsSchema = z.looseObject({
  firstName: z.string().min(1).max(128),
  lastName: z.string().min(1).max(128),
  email: z.email(),
  source: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  zipCode: z.string().optional(),
  country: z.string().optional(),
  phone: z.string().optional(),
  organization: z.string().optional(),
  jobTitle: z.string().optional(),
  questionsAndComments: z.string().optional(),
  industry: z.string().optional(),
  numberOfEmployees: z.string().optional(),
  purchasingTimeFrame: z.string().optional(),
  purchasingRole: z.string().optional(),
  responses: z.array(registrantAnswerSchema).optional(),
});
export type RegistrantFields = z.input<typeof registrantFieldsSchema>;

/** OpenAPI `RegistrantCreated` (201). */
export const registrantCreatedSchema = z.looseObject({ registrantKey: gotoKey, joinUrl: z.string() });
export type RegistrantCreated = z.infer<typeof registrantCreatedSchema>;

export const createRegistrantInput = webinarInput.extend({
  registrant: registrantFieldsSchema,
  /** Send the confirmation email again when the person is registered already (OpenAPI `resendConfirmation`). */
  resendConfirmation: z.boolean().optional(),
  /**
   * `full` sends `Accept: application/json`, which takes every field; `basic` sends
   * `application/vnd.citrix.g2wapi-v1.1+json`, which keeps firstName, lastName and email only
   * (the OpenAPI's `Accept` parameter). Default `full`.
   */
  version: z.enum(['full', 'basic']).default('full'),
});
export type CreateRegistrantInput = z.input<typeof createRegistrantInput>;

/**
 * `POST …/webinars/{webinarKey}/registrants` (operation `createRegistrant`): registers a
 * person. GoTo answers 409 "The user is already registered" for an email registered before.
 */
export function createRegistrantRequest(
  input: CreateRegistrantInput,
): PreparedRequest<typeof registrantCreatedSchema, typeof apiErrorSchema> {
  const parsed = createRegistrantInput.parse(input);
  return webinarApiRequest({
    operation: createRegistrantOperation,
    step: 'register a person for a webinar',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey },
    query: { resendConfirmation: parsed.resendConfirmation },
    headers: { accept: parsed.version === 'basic' ? 'application/vnd.citrix.g2wapi-v1.1+json' : 'application/json' },
    json: wireBody(parsed.registrant),
    successStatus: 201,
    success: registrantCreatedSchema,
    notFound: 'GoTo knows no webinar with this key',
    advice: (facts) =>
      facts.status === 409
        ? 'this email is registered for the webinar already: delete that registrant first, or send resendConfirmation to have the email sent again.'
        : facts.status === 400
          ? 'GoTo refused the registration: getRegistrationFields lists the fields and questions this webinar requires.'
          : undefined,
  });
}

/**
 * The body as it goes out: each answer's `questionKey` and `answerKey` a JSON number, digit
 * for digit, as `RegistrantQAResponse` types them (`integer, format: int64`).
 */
function wireBody({ responses, ...fields }: z.output<typeof registrantFieldsSchema>) {
  if (responses === undefined) return fields;
  return {
    ...fields,
    responses: responses.map((answer) =>
      'answerKey' in answer
        ? { questionKey: int64Key(answer.questionKey), answerKey: int64Key(answer.answerKey) }
        : { questionKey: int64Key(answer.questionKey), responseText: answer.responseText },
    ),
  };
}
