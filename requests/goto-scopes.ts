/**
 * A GoTo OAuth scope and the name GoTo's developer center shows beside it, where a person
 * ticks it. The scope picker lists "Profile" as `identity:scim.me` apart from "GoToWebinar"
 * as `collab:`; GoTo's Webinar OpenAPI says "`collab:` must be used when a token is
 * requested from the Authentication API".
 */
export type GotoScope = { scope: string; label: string };

/** Users/me (`/identity/v1/Users/me`) needs it. */
export const profileScope: GotoScope = { scope: 'identity:scim.me', label: 'Profile' };

/** The GoTo Webinar API (`/G2W/rest/v2/…`) needs it. */
export const webinarScope: GotoScope = { scope: 'collab:', label: 'GoToWebinar' };

/** Every scope the collection's checks need. */
export const collectionScopes: readonly GotoScope[] = [profileScope, webinarScope];

/** Where OAuth clients and their scopes are edited (GoTo's 03.1_HOW_accessTokenPAT guide). */
export const developerCenterUrl = 'https://developer.logmeininc.com/clients';
