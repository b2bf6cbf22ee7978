import { developerCenterUrl } from './goto-hosts';

/**
 * A GoTo OAuth scope, the name GoTo's developer center shows beside it, where a person
 * ticks it, and the calls of this collection that need it. The scope picker lists "Profile"
 * as `identity:scim.me` apart from "GoToWebinar" as `collab:`; GoTo's Webinar OpenAPI says
 * "`collab:` must be used when a token is requested from the Authentication API".
 */
export type GotoScope = {
  scope: string;
  label: string;
  /** The API that needs it, in words. */
  api: string;
  /** The calls that need it: Users/me, or the Webinar calls by their OpenAPI `operationId`. */
  calls: readonly string[];
  /** What else stops working without it, for a person deciding whether it matters. */
  alsoBreaks?: string;
};

/** Users/me (`/identity/v1/Users/me`) needs it. */
export const profileScope: GotoScope = {
  scope: 'identity:scim.me',
  label: 'Profile',
  api: 'Users/me',
  calls: ['Users/me'],
  alsoBreaks: 'every Webinar call while GOTO_ORGANIZER_KEY is not set (Users/me gives the organizer key)',
};

/**
 * The GoTo Webinar API (`/G2W/rest/v2/…`) needs it: every Webinar call this collection
 * defines (requests/*.ts; tests/self-test/scopes.spec.ts keeps the list complete).
 */
export const webinarScope: GotoScope = {
  scope: 'collab:',
  label: 'GoToWebinar',
  api: 'the GoTo Webinar API',
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

/** Why ticking a scope is not enough: GoTo fixes the scopes of a grant when a person authorizes. */
export const authorizeAgainForScopes =
  'authorize again (`npx playwright test --project=authorize`, or a new GOTO_AUTH_CODE), ' +
  'since GoTo fixes the scopes of a grant when a person authorizes';

/** Where to tick a scope, and that a person must authorize again (no final stop). */
export function tickScopeSteps({ scope, label }: GotoScope): string {
  return (
    `at ${developerCenterUrl} open the OAuth client, tick "${label}" (${scope}) among its scopes and save; ` +
    `then ${authorizeAgainForScopes}`
  );
}

/** What a person does about a scope the grant lacks: where to tick it, and authorize again (no final stop). */
export function missingScopeSteps(scope: GotoScope): string {
  return (
    `the access token lacks the scope ${scope.scope}; ${tickScopeSteps(scope)}. ` +
    `If GOTO_SCOPE is set, it must include ${scope.scope}`
  );
}

/** The calls a scope is needed for, in words: `Users/me`, `the GoTo Webinar API (13 calls: getWebinars, …)`. */
export function scopeCalls({ api, calls }: GotoScope): string {
  return calls.length === 1 && calls[0] === api ? api : `${api} (${calls.length} calls: ${calls.join(', ')})`;
}

/** The same, as the whole advice of a failure. */
export function missingScopeAdvice(scope: GotoScope): string {
  return `${missingScopeSteps(scope)}.`;
}
