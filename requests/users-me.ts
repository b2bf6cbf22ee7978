import * as z from 'zod';
import { apiGetRequest, type apiErrorSchema } from './api-endpoint';
import { gotoKey } from './goto-key';
import { profileScope } from './goto-scopes';
import type { PreparedRequest } from './request-definition';

/** The SCIM extension that lists the user's GoTo accounts (docs/goto-facts.md §5c). */
export const getgoExtension = 'urn:scim:schemas:extension:getgo:1.0';

/**
 * `GET /identity/v1/Users/me`: the signed-in user as a SCIM record. Its `id` is the
 * organizer key the Webinar API wants ("Both userKey and organizerKey … contain the same
 * value", GoTo's OpenAPI); account keys are in the getgo extension. Needs the scope
 * `identity:scim.me` ("Profile").
 */
export const usersMeSchema = z.looseObject({
  id: gotoKey,
  userName: z.string().optional(),
  displayName: z.string().optional(),
  [getgoExtension]: z
    .looseObject({
      accounts: z.array(z.looseObject({ value: gotoKey, display: z.string().optional() })).optional(),
    })
    .optional(),
});
export type UsersMe = z.infer<typeof usersMeSchema>;

export const usersMeInput = z.object({
  apiBaseUrl: z.url(),
  accessToken: z.string().min(1),
  /** The call repeats one whose access token was rejected, with a freshly refreshed one (for the advice). */
  afterRefresh: z.boolean().optional(),
});
export type UsersMeInput = z.input<typeof usersMeInput>;

export function usersMeRequest(input: UsersMeInput): PreparedRequest<typeof usersMeSchema, typeof apiErrorSchema> {
  const { apiBaseUrl, accessToken, afterRefresh } = usersMeInput.parse(input);
  return apiGetRequest({
    step: 'read the signed-in user (Users/me)',
    url: new URL('/identity/v1/Users/me', apiBaseUrl),
    accessToken,
    success: usersMeSchema,
    scope: profileScope,
    afterRefresh,
  });
}
