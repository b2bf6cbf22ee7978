import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import type { PreparedRequest } from './request-definition';
import { gotoDateTime } from './goto-time';
import { sessionInput, webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getPerformanceOperation = {
  operationId: 'getPerformance',
  method: 'GET',
  path: '/organizers/{organizerKey}/webinars/{webinarKey}/sessions/{sessionKey}/performance',
} as const satisfies WebinarOperation;

/**
 * OpenAPI `SessionPerformance`: `sessionInfo` (`SessionInfoStatistics`), `attendance`
 * (`AttendanceStatistics`) and `pollsAndSurveys` (`PollsAndSurveysStatistics`). The counts of
 * opened and clicked registration emails are strings in the spec.
 */
export const sessionPerformanceSchema = z.looseObject({
  sessionInfo: z
    .looseObject({
      webinarName: z.string().optional(),
      webinarId: z.string().optional(),
      sessionKey: gotoKey.optional(),
      timeZone: z.string().optional(),
      /** `CLASSIC`, `BROADCAST` or `SIMULIVE`: upper case here, unlike elsewhere. */
      experienceType: z.string().optional(),
      recurrencePeriod: z.string().optional(),
      startTime: gotoDateTime.optional(),
      endTime: gotoDateTime.optional(),
      registrationEmailOpenedCount: z.union([z.string(), z.number()]).optional(),
      registrationLinkClickedCount: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  attendance: z.looseObject({
    registrantCount: z.number().int().nonnegative(),
    /**
     * "The percentage of registrants that actually attended": the OpenAPI gives it no maximum
     * (`type: number, format: float`, AttendanceStatistics), so a figure past 100 is taken as
     * it comes. Listed as required, but GoTo's `required` lists name fields its answers leave
     * out (a live webinar list item has no `description`, amp-labs/connectors PR #2983), so it
     * may be absent.
     */
    percentageAttendance: z.number().nonnegative().optional(),
    averageInterestRating: z.number().optional(),
    averageAttentiveness: z.number().optional(),
    averageAttendanceTimeSeconds: z.number().nonnegative(),
  }),
  pollsAndSurveys: z
    .looseObject({
      pollCount: z.number().nonnegative().optional(),
      surveyCount: z.number().nonnegative().optional(),
      questionsAsked: z.number().nonnegative().optional(),
      percentagePollsCompleted: z.number().optional(),
      percentageSurveysCompleted: z.number().optional(),
    })
    .optional(),
});
export type SessionPerformance = z.infer<typeof sessionPerformanceSchema>;

export type GetSessionPerformanceInput = z.input<typeof sessionInput>;

/** `GET …/sessions/{sessionKey}/performance` (operation `getPerformance`). */
export function getSessionPerformanceRequest(
  input: GetSessionPerformanceInput,
): PreparedRequest<typeof sessionPerformanceSchema, typeof apiErrorSchema> {
  const parsed = sessionInput.parse(input);
  return webinarApiRequest({
    operation: getPerformanceOperation,
    step: 'read a past session’s performance',
    input: parsed,
    params: { organizerKey: parsed.organizerKey, webinarKey: parsed.webinarKey, sessionKey: parsed.sessionKey },
    success: sessionPerformanceSchema,
    notFound: 'GoTo knows no past session with this key for this webinar',
  });
}
