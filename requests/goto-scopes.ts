/**
 * A GoTo OAuth scope, the name GoTo's developer center shows beside it, where a person
 * ticks it, and the calls of this collection that need it. The scope picker lists "Profile"
 * as `identity:scim.me` apart from "GoToWebinar" as `collab:`; GoTo's Webinar OpenAPI says
 * "`collab:` must be used when a token is requested from the Authentication API".
 */
export type GotoScope = {
  scope: string;
  label: string;
  /** The calls that need it: Users/me, or the Webinar calls by their OpenAPI `operationId`. */
  calls: readonly string[];
  /** What else stops working without it, for a person deciding whether it matters. */
  alsoBreaks?: string;
};

/** Users/me (`/identity/v1/Users/me`) needs it. */
export const profileScope: GotoScope = {
  scope: 'identity:scim.me',
  label: 'Profile',
  calls: ['Users/me'],
  alsoBreaks: 'the Webinar calls too, unless GOTO_ORGANIZER_KEY is set: Users/me gives their organizer key',
};

/**
 * The GoTo Webinar API (`/G2W/rest/v2/…`) needs it: every Webinar call this collection
 * defines (requests/*.ts; tests/self-test/scopes.spec.ts keeps the list complete).
 */
export const webinarScope: GotoScope = {
  scope: 'collab:',
  label: 'GoToWebinar',
  calls: [
    'getWebinars',
    'getAllAccountWebinars',
    'getWebinar',
    'getAllSessions',
    'getWebinarSession',
    'getAttendees',
    'getAttendeesForAllWebinarSessions',
    'getPerformance',
    'getAllRegistrantsForWebinar',
    'getRegistrant',
    'getRegistrationFields',
    'createRegistrant',
    'deleteRegistrant',
  ],
};

/** Every scope the collection's checks need. */
export const collectionScopes: readonly GotoScope[] = [profileScope, webinarScope];

/** Where OAuth clients and their scopes are edited (GoTo's 03.1_HOW_accessTokenPAT guide). */
export const developerCenterUrl = 'https://developer.logmeininc.com/clients';

/** Why ticking a scope is not enough: GoTo fixes the scopes of a grant when a person authorizes. */
export const authorizeAgainForScopes =
  'authorize again (`npx playwright test --project=authorize`, or a new GOTO_AUTH_CODE), ' +
  'since GoTo fixes the scopes of a grant when a person authorizes';

/** What a person does about a scope the grant lacks: where to tick it, and authorize again (no final stop). */
export function missingScopeSteps({ scope, label }: GotoScope): string {
  return (
    `the access token lacks the scope ${scope}; at ${developerCenterUrl} open the OAuth client, ` +
    `tick "${label}" (${scope}) among its scopes and save; then ${authorizeAgainForScopes}. ` +
    `If GOTO_SCOPE is set, it must include ${scope}`
  );
}

/** The same, as the whole advice of a failure. */
export function missingScopeAdvice(scope: GotoScope): string {
  return `${missingScopeSteps(scope)}.`;
}
