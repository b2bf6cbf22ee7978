import { usersMeRequest } from '../../../../requests';
import {
  gotoApiBodyAdvice,
  json,
  jsonText,
  refreshAgain,
  type BodyErrorRow,
  type StatusErrorRow,
  type TypedBodyRow,
  type ResponseRows,
} from './rows';
import { expectedRedaction } from '../fingerprints';

/*
 * Users/me (requests/users-me.ts): the SCIM record, its keys in any JSON form, and the
 * identity API's refusals, whose words come in WWW-Authenticate (RFC 6750 §3).
 */

const accessToken = 'access-token-B2d9Mv';
const organizerKey = '6452813640125869829';
const accountKey = '2205187512369868801';
const gotoApi = { apiBaseUrl: 'https://api.getgo.com', accessToken };

const usersMe = usersMeRequest(gotoApi);
const usersMeAfterRefresh = usersMeRequest({ ...gotoApi, afterRefresh: true });

const usersMeFailed = 'Step "read the signed-in user (Users/me)" failed: GET /identity/v1/Users/me answered';

/** The answers that are the step's success. */
const typedBodies: TypedBodyRow[] = [
  {
    definition: 'usersMeRequest',
    title: 'a 200 SCIM record gives the organizer key and the getgo extension’s account keys',
    request: usersMe,
    answer: json(200, {
      id: organizerKey,
      userName: 'ada@example.com',
      'urn:scim:schemas:extension:getgo:1.0': { accounts: [{ value: accountKey, display: 'Acme' }] },
    }),
    body: {
      id: organizerKey,
      userName: 'ada@example.com',
      'urn:scim:schemas:extension:getgo:1.0': { accounts: [{ value: accountKey, display: 'Acme' }] },
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 200 whose keys are bare 19-digit JSON numbers gives them as strings, digit for digit',
    request: usersMe,
    answer: jsonText(
      200,
      `{"id":${organizerKey},"urn:scim:schemas:extension:getgo:1.0":{"accounts":[{"value":${accountKey}}]}}`,
    ),
    body: { id: organizerKey, 'urn:scim:schemas:extension:getgo:1.0': { accounts: [{ value: accountKey }] } },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 200 whose key is a small JSON number gives it as a string',
    request: usersMe,
    answer: jsonText(200, '{"id":12345}'),
    body: { id: '12345' },
  },
];

/** Another status than the step's success. */
const statusErrors: StatusErrorRow[] = [
  {
    definition: 'usersMeRequest',
    title:
      'a 401 with an empty body reads GoTo’s words from WWW-Authenticate (RFC 6750 §3) and advises the refresh step',
    request: usersMe,
    answer: {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
    },
    expected: {
      status: 401,
      error: 'invalid_token',
      description: 'The access token expired',
      headline: `${usersMeFailed} HTTP 401 invalid_token ("The access token expired").`,
      advice: refreshAgain,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a bare 401 counts as a rejected access token too',
    request: usersMe,
    answer: { status: 401 },
    expected: { status: 401, headline: `${usersMeFailed} HTTP 401.`, advice: refreshAgain },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 401 right after a refresh advises authorizing again, naming the scope to check',
    request: usersMeAfterRefresh,
    answer: { status: 401 },
    expected: {
      status: 401,
      headline: `${usersMeFailed} HTTP 401.`,
      advice:
        /^GoTo also rejected the access token a refresh had just given, so the token did not simply expire: .*the scope identity:scim\.me \("Profile"\)\.$/,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 403 insufficient_scope challenge names identity:scim.me and "Profile"',
    request: usersMe,
    answer: {
      status: 403,
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="identity:scim.me"' },
    },
    expected: {
      status: 403,
      error: 'insufficient_scope',
      headline: `${usersMeFailed} HTTP 403 insufficient_scope.`,
      advice:
        /^the access token lacks the scope identity:scim\.me; at https:\/\/developer\.logmeininc\.com\/clients open the OAuth client, tick "Profile" \(identity:scim\.me\)/,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 403 with an empty JSON object names the missing scope all the same',
    request: usersMe,
    answer: json(403, {}),
    expected: {
      status: 403,
      headline: `${usersMeFailed} HTTP 403.`,
      advice: /^the access token lacks the scope identity:scim\.me; /,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 404 NOT_FOUND on an unrouted path says the URL does not exist on that host',
    request: usersMe,
    answer: json(404, { errorCode: 'NOT_FOUND', message: 'No route' }),
    expected: {
      status: 404,
      error: 'NOT_FOUND',
      description: 'No route',
      headline: `${usersMeFailed} HTTP 404 NOT_FOUND ("No route").`,
      advice: 'the URL does not exist on that host: check GOTO_AUTH_BASE_URL and GOTO_API_BASE_URL.',
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 401 whose int_err_code is not a string leaves it out and keeps msg, the access token in it redacted',
    request: usersMe,
    answer: json(401, { int_err_code: 42, msg: `token ${accessToken} expired` }),
    expected: {
      status: 401,
      description: `token ${expectedRedaction(accessToken)} expired`,
      headline: `${usersMeFailed} HTTP 401 ("token ${expectedRedaction(accessToken)} expired").`,
      advice: refreshAgain,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 500 HTML page says the body is not JSON and GoTo had a server error',
    request: usersMe,
    answer: { status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>Internal Server Error</h1>' },
    expected: {
      status: 500,
      headline: `${usersMeFailed} HTTP 500 with a body that is not JSON (content-type text/html).`,
      advice: 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.',
      bodyNote: 'a body that is not JSON (content-type text/html)',
    },
  },
];

/** A success whose body is not what the service documents. */
const bodyErrors: BodyErrorRow[] = [
  {
    definition: 'usersMeRequest',
    title: 'a 200 without id says the key is missing',
    request: usersMe,
    answer: json(200, { userName: 'ada@example.com' }),
    expected: {
      status: 200,
      says: 'Step "read the signed-in user (Users/me)" failed: GET /identity/v1/Users/me answered HTTP 200, but the body is not what GoTo documents:',
      problem: /is missing\s+→ at id/,
      advice: gotoApiBodyAdvice,
    },
    notShown: ['ada@example.com'],
  },
  {
    definition: 'usersMeRequest',
    title: 'a 200 whose key is a JSON number with an exponent says the key was lost to rounding',
    request: usersMe,
    answer: jsonText(200, '{"id":8.4e18}'),
    expected: {
      status: 200,
      says: 'Step "read the signed-in user (Users/me)" failed: GET /identity/v1/Users/me answered HTTP 200, but the body is not what GoTo documents:',
      problem: /arrived as a JSON number too large to be exact; the key is lost\s+→ at id/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'usersMeRequest',
    title: 'a 200 whose key holds letters says it must be a string of digits',
    request: usersMe,
    answer: json(200, { id: 'org-12a' }),
    expected: {
      status: 200,
      says: 'Step "read the signed-in user (Users/me)" failed: GET /identity/v1/Users/me answered HTTP 200, but the body is not what GoTo documents:',
      problem: /must be a string of digits\s+→ at id/,
      advice: gotoApiBodyAdvice,
    },
    notShown: ['org-12a'],
  },
];

export const usersMeRows: ResponseRows = { typedBodies, statusErrors, bodyErrors };
