import { developerCenterUrl, gotoStatusPage } from './goto-hosts';

/*
 * What to do about each OAuth error GoTo answers, the one place this advice is written: in
 * the browser's redirect (RFC 6749 §4.1.2.1, fixtures/browser-authorize.ts) and from the
 * token endpoint (RFC 6749 §5.2, token-endpoint.ts). Where the two mean the same, they say
 * the same.
 */

/** Where GoTo answered the error: the authorize redirect or the token endpoint. */
export type OAuthErrorPlace = 'authorize' | 'token';

const clientGrantTypes = (grant: string) =>
  `this OAuth client may not use ${grant}: check its grant types at ${developerCenterUrl}.`;
const tryAgainLater = (what: string) => `${what}: try again in a few minutes (${gotoStatusPage}).`;

const adviceByPlace: Record<OAuthErrorPlace, Record<string, string>> = {
  authorize: {
    access_denied: 'access was not allowed on GoTo’s consent page: run the authorize project again and choose Allow.',
    invalid_scope:
      `the scopes asked for (GOTO_SCOPE) are not enabled on the OAuth client: tick them at ${developerCenterUrl} ` +
      '("Profile" for identity:scim.me, "GoToWebinar" for collab:), ' +
      'or change GOTO_SCOPE (unset, GoTo grants every scope the client has).',
    unauthorized_client: clientGrantTypes('the authorization code grant'),
    unsupported_response_type: 'GoTo refused `response_type=code`: check GOTO_AUTH_BASE_URL points at GoTo.',
    server_error: tryAgainLater('GoTo had a server error'),
    temporarily_unavailable: tryAgainLater('GoTo is busy'),
  },
  token: {
    invalid_client:
      'GoTo did not accept the client credentials: check GOTO_CLIENT_ID and GOTO_CLIENT_SECRET against ' +
      `your OAuth client at ${developerCenterUrl} (a lost secret cannot be shown again; create a new one there).`,
    unauthorized_client: clientGrantTypes('this grant'),
    invalid_scope: `a requested scope is not enabled on the OAuth client: tick it at ${developerCenterUrl} or ask for fewer scopes.`,
    invalid_request: notGotoCompatible(),
    unsupported_grant_type: notGotoCompatible(),
  },
};

function notGotoCompatible(): string {
  return (
    'GoTo rejected the shape of the request; this is a bug in goto-token-runner or a server that is not ' +
    'GoTo-compatible: check GOTO_AUTH_BASE_URL, then report it.'
  );
}

/** The advice for GoTo's `error` where it answered it; undefined for an error this table does not know. */
export function oauthErrorAdvice(place: OAuthErrorPlace, error: string | undefined): string | undefined {
  return error === undefined ? undefined : adviceByPlace[place][error];
}
