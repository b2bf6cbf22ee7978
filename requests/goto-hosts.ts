/*
 * GoTo's addresses, the one place they are written: the settings' defaults, the advice of
 * errors and the variables' descriptions all take them from here (docs/goto-facts.md).
 */

/** GoTo's OAuth server (GOTO_AUTH_BASE_URL's default). */
export const gotoAuthHost = 'authentication.logmeininc.com';

/** GoTo's API host (GOTO_API_BASE_URL's default); the Webinar API is under /G2W/rest/v2. */
export const gotoApiHost = 'api.getgo.com';

/** GoTo's status page, for advice on a failure that is theirs. */
export const gotoStatusPage = 'https://status.goto.com';

/** Where OAuth clients, their secrets, redirect URIs and scopes are edited (GoTo's 03.1_HOW_accessTokenPAT guide). */
export const developerCenterUrl = 'https://developer.logmeininc.com/clients';
