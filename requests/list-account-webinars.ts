import * as z from 'zod';
import type { apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { listWebinarsSchema, rangeQuery, webinarRange } from './list-webinars';
import type { PreparedRequest } from './request-definition';
import { webinarApiRequest, type WebinarOperation } from './webinar-api';

export const getAllAccountWebinarsOperation = {
  operationId: 'getAllAccountWebinars',
  method: 'GET',
  path: '/accounts/{accountKey}/webinars',
} as const satisfies WebinarOperation;

/** The same `ReportingWebinarsResponse` as the organizer's list, for every organizer of the account. */
export const listAccountWebinarsSchema = listWebinarsSchema;
export type ListAccountWebinars = z.infer<typeof listAccountWebinarsSchema>;

export const listAccountWebinarsInput = z.object({
  apiBaseUrl: z.url(),
  accessToken: z.string().min(1),
  /** From Users/me's getgo extension (`accounts[].value`), docs/goto-facts.md §5c. */
  accountKey: gotoKey,
  ...webinarRange,
});
export type ListAccountWebinarsInput = z.input<typeof listAccountWebinarsInput>;

/** `GET /G2W/rest/v2/accounts/{accountKey}/webinars` (operation `getAllAccountWebinars`). */
export function listAccountWebinarsRequest(
  input: ListAccountWebinarsInput,
): PreparedRequest<typeof listAccountWebinarsSchema, typeof apiErrorSchema> {
  const { accountKey, ...parsed } = listAccountWebinarsInput.parse(input);
  return webinarApiRequest({
    operation: getAllAccountWebinarsOperation,
    step: 'list the account’s webinars',
    input: parsed,
    params: { accountKey },
    query: rangeQuery(parsed),
    success: listAccountWebinarsSchema,
    notFound: 'GoTo knows no account with this key',
  });
}
