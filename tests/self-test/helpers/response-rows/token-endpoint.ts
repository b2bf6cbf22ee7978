import { LosslessNumber } from 'lossless-json';
import { exchangeCodeRequest, refreshTokenRequest } from '../../../../requests';
import { json, jsonText, type BodyErrorRow, type StatusErrorRow, type TypedBodyRow, type ResponseRows } from './rows';
import { expectedRedaction } from '../fingerprints';

/*
 * The token endpoint (requests/token-endpoint.ts): both grants' success bodies (RFC 6749
 * §5.1), their OAuth errors (§5.2) and what else a server in front of GoTo may answer.
 */

const authBaseUrl = 'https://authentication.logmeininc.com';
const client = { clientId: 'client-id-4f1c', clientSecret: 'client-secret-Uq83nR' };
const refreshToken = 'refresh-token-R8p2Wd';
const code = 'auth-code-K4m9Tz';
const redirectUri = 'http://127.0.0.1:5173/callback';

const refresh = refreshTokenRequest({ authBaseUrl, ...client, refreshToken });
const exchange = exchangeCodeRequest({ authBaseUrl, ...client, code, redirectUri });
const exchangePlainBasic = exchangeCodeRequest({ authBaseUrl, ...client, code, redirectUri, basicEncoding: 'none' });

const tokenBody = { access_token: 'access-token-from-body-1', expires_in: 3600 };

const refreshFailed = 'Step "refresh the access token" failed: POST /oauth/token answered';
const exchangeFailed = 'Step "exchange the authorization code for tokens" failed: POST /oauth/token answered';
const tokenBodyFailed =
  'Step "refresh the access token" failed: POST /oauth/token answered HTTP 200, but the body is not what GoTo documents:';
const gotoBodyAdvice =
  'check that GOTO_AUTH_BASE_URL points at GoTo, not at a proxy or a login page; nothing was written.';

/** The answers that are the step's success. */
const typedBodies: TypedBodyRow[] = [
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 with access_token and expires_in only gives them (GoTo sends refresh_token only when it rotates)',
    request: refresh,
    answer: json(200, tokenBody),
    body: tokenBody,
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 with a rotated refresh_token keeps it, and fields GoTo does not document, a 19-digit number exact',
    request: refresh,
    answer: jsonText(
      200,
      '{"access_token":"access-token-from-body-2","expires_in":3600,"token_type":"Bearer","refresh_token":"rotated-refresh-token-1","scope":"collab: identity:scim.me","organizer_key":6452813640125869829,"account_key":"2205187512369868801"}',
    ),
    body: {
      access_token: 'access-token-from-body-2',
      expires_in: 3600,
      token_type: 'Bearer',
      refresh_token: 'rotated-refresh-token-1',
      scope: 'collab: identity:scim.me',
      organizer_key: new LosslessNumber('6452813640125869829'),
      account_key: '2205187512369868801',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a JSON 200 served as text/plain is read as JSON: the content-type is not what is checked',
    request: refresh,
    answer: { status: 200, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(tokenBody) },
    body: tokenBody,
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a JSON 200 without a content-type is read as JSON',
    request: refresh,
    answer: { status: 200, body: JSON.stringify(tokenBody), raw: true },
    body: tokenBody,
  },
  {
    definition: 'exchangeCodeRequest',
    title: 'a 200 with both tokens gives both',
    request: exchange,
    answer: json(200, { ...tokenBody, refresh_token: 'first-refresh-token-1', token_type: 'Bearer' }),
    body: { ...tokenBody, refresh_token: 'first-refresh-token-1', token_type: 'Bearer' },
  },
];

/** Another status than the step's success. */
const statusErrors: StatusErrorRow[] = [
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 invalid_grant (RFC 6749 §5.2) advises authorizing again and letting one holder refresh',
    request: refresh,
    answer: json(400, { error: 'invalid_grant', error_description: 'refresh token was rotated out' }),
    expected: {
      status: 400,
      error: 'invalid_grant',
      description: 'refresh token was rotated out',
      headline: `${refreshFailed} HTTP 400 invalid_grant ("refresh token was rotated out").`,
      advice:
        /^the refresh token was rotated, revoked or has expired \(they last 30 days\); another holder of it .*authorize again/,
    },
  },
  {
    definition: 'exchangeCodeRequest',
    title: 'a 400 invalid_grant says codes last 10 minutes and work once',
    request: exchange,
    answer: json(400, { error: 'invalid_grant', error_description: 'authorization code has expired' }),
    expected: {
      status: 400,
      error: 'invalid_grant',
      description: 'authorization code has expired',
      headline: `${exchangeFailed} HTTP 400 invalid_grant ("authorization code has expired").`,
      advice:
        /^the code was expired, already used, or issued for another client or redirect URI: codes last 10 minutes and work once\./,
    },
  },
  {
    definition: 'exchangeCodeRequest',
    title: 'a 401 invalid_client names GOTO_CLIENT_ID and GOTO_CLIENT_SECRET',
    request: exchange,
    answer: json(401, { error: 'invalid_client', error_description: 'client secret does not match' }),
    expected: {
      status: 401,
      error: 'invalid_client',
      description: 'client secret does not match',
      headline: `${exchangeFailed} HTTP 401 invalid_client ("client secret does not match").`,
      advice:
        /^GoTo did not accept the client credentials: check GOTO_CLIENT_ID and GOTO_CLIENT_SECRET against your OAuth client at https:\/\/developer\.logmeininc\.com\/clients/,
    },
  },
  {
    definition: 'exchangeCodeRequest',
    title: 'a 401 to the plain Basic form names that step, as GoTo’s docs show it',
    request: exchangePlainBasic,
    answer: json(401, { error: 'invalid_client' }),
    expected: {
      status: 401,
      error: 'invalid_client',
      headline:
        'Step "exchange the authorization code for tokens (plain Basic, as GoTo\'s docs show)" failed: POST /oauth/token answered HTTP 401 invalid_client.',
      advice: /^GoTo did not accept the client credentials/,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 unauthorized_client says to check the client’s grant types',
    request: refresh,
    answer: json(400, { error: 'unauthorized_client' }),
    expected: {
      status: 400,
      error: 'unauthorized_client',
      headline: `${refreshFailed} HTTP 400 unauthorized_client.`,
      advice:
        'this OAuth client may not use this grant: check its grant types at https://developer.logmeininc.com/clients.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 invalid_scope says to tick the scope or ask for fewer',
    request: refresh,
    answer: json(400, { error: 'invalid_scope', error_description: 'scope collab: is not enabled' }),
    expected: {
      status: 400,
      error: 'invalid_scope',
      description: 'scope collab: is not enabled',
      headline: `${refreshFailed} HTTP 400 invalid_scope ("scope collab: is not enabled").`,
      advice:
        'a requested scope is not enabled on the OAuth client: tick it at https://developer.logmeininc.com/clients or ask for fewer scopes.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 invalid_request calls it a bug to report or a server that is not GoTo-compatible',
    request: refresh,
    answer: json(400, { error: 'invalid_request', error_description: 'refresh_token is missing' }),
    expected: {
      status: 400,
      error: 'invalid_request',
      description: 'refresh_token is missing',
      headline: `${refreshFailed} HTTP 400 invalid_request ("refresh_token is missing").`,
      advice:
        'GoTo rejected the shape of the request; this is a bug in goto-token-runner or a server that is not GoTo-compatible: check GOTO_AUTH_BASE_URL, then report it.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 unsupported_grant_type calls it a bug to report or a server that is not GoTo-compatible',
    request: refresh,
    answer: json(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be authorization_code' }),
    expected: {
      status: 400,
      error: 'unsupported_grant_type',
      description: 'grant_type must be authorization_code',
      headline: `${refreshFailed} HTTP 400 unsupported_grant_type ("grant_type must be authorization_code").`,
      advice:
        'GoTo rejected the shape of the request; this is a bug in goto-token-runner or a server that is not GoTo-compatible: check GOTO_AUTH_BASE_URL, then report it.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 with an error code RFC 6749 does not list shows it, with the general advice',
    request: refresh,
    answer: json(400, { error: 'account_locked', error_uri: 'https://example.com/why' }),
    expected: {
      status: 400,
      error: 'account_locked',
      headline: `${refreshFailed} HTTP 400 account_locked.`,
      advice: 'check the GOTO_* settings and run again.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 whose JSON body is not an OAuth error (no "error") says the status alone',
    request: refresh,
    answer: json(400, { message: 'Bad Request' }),
    expected: {
      status: 400,
      headline: `${refreshFailed} HTTP 400.`,
      advice: 'check the GOTO_* settings and run again.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 whose description echoes the refresh token and client secret shows both redacted',
    request: refresh,
    answer: json(400, {
      error: 'invalid_grant',
      error_description: `token ${refreshToken} of ${client.clientSecret} is unknown`,
    }),
    expected: {
      status: 400,
      error: 'invalid_grant',
      description: `token ${expectedRedaction(refreshToken)} of ${expectedRedaction(client.clientSecret)} is unknown`,
      headline: `${refreshFailed} HTTP 400 invalid_grant ("token ${expectedRedaction(refreshToken)} of ${expectedRedaction(client.clientSecret)} is unknown").`,
      advice: /^the refresh token was rotated, revoked or has expired/,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 that carries a token of its own shows that token redacted in the description',
    request: refresh,
    answer: json(400, {
      error: 'invalid_grant',
      error_description: 'use access-token-echoed-9 instead',
      access_token: 'access-token-echoed-9',
    }),
    expected: {
      status: 400,
      error: 'invalid_grant',
      description: `use ${expectedRedaction('access-token-echoed-9')} instead`,
      headline: `${refreshFailed} HTTP 400 invalid_grant ("use ${expectedRedaction('access-token-echoed-9')} instead").`,
      advice: /^the refresh token was rotated, revoked or has expired/,
    },
    notShown: ['access-token-echoed-9'],
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 500 server_error says GoTo had a server error and where its status page is',
    request: refresh,
    answer: json(500, { error: 'server_error', error_description: 'internal failure' }),
    expected: {
      status: 500,
      error: 'server_error',
      description: 'internal failure',
      headline: `${refreshFailed} HTTP 500 server_error ("internal failure").`,
      advice: 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 502 HTML page after 3 attempts says the body is not JSON and speaks of a gateway',
    request: refresh,
    answer: {
      status: 502,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
    },
    context: { attempts: 3 },
    expected: {
      status: 502,
      headline:
        'Step "refresh the access token" failed after 3 attempts: POST /oauth/token answered HTTP 502 with a body that is not JSON (content-type text/html).',
      advice:
        'a gateway in front of GoTo got no valid answer from it: try again in a few minutes and check https://status.goto.com.',
      bodyNote: 'a body that is not JSON (content-type text/html)',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 503 temporarily_unavailable after 3 attempts says GoTo’s words and the status page',
    request: refresh,
    answer: json(503, { error: 'temporarily_unavailable', error_description: 'down for maintenance' }),
    context: { attempts: 3 },
    expected: {
      status: 503,
      error: 'temporarily_unavailable',
      description: 'down for maintenance',
      headline:
        'Step "refresh the access token" failed after 3 attempts: POST /oauth/token answered HTTP 503 temporarily_unavailable ("down for maintenance").',
      advice: 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 503 whose body is only a line break notes no body',
    request: refresh,
    answer: { status: 503, headers: { 'content-type': 'text/plain' }, body: '\n' },
    expected: {
      status: 503,
      headline: `${refreshFailed} HTTP 503.`,
      advice: 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 429 without Retry-After after 3 attempts advises waiting a minute',
    request: refresh,
    answer: { status: 429 },
    context: { attempts: 3 },
    expected: {
      status: 429,
      headline: 'Step "refresh the access token" failed after 3 attempts: POST /oauth/token answered HTTP 429.',
      advice: 'GoTo is rate limiting (10 requests per second per API): wait a minute and run again.',
    },
  },
  {
    definition: 'refreshTokenRequest',
    title:
      'a 429 whose Retry-After (5 s) was waited for until the attempts ran out keeps the wait and the step’s advice',
    request: refresh,
    answer: { status: 429, headers: { 'retry-after': '5' } },
    context: { attempts: 3 },
    expected: {
      status: 429,
      headline: 'Step "refresh the access token" failed after 3 attempts: POST /oauth/token answered HTTP 429.',
      advice: 'GoTo is rate limiting (10 requests per second per API): wait a minute and run again.',
      retryAfterSeconds: 5,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 429 whose Retry-After (delay-seconds) is longer than 30 s says when to run again, in UTC',
    request: refresh,
    answer: { status: 429, headers: { 'retry-after': '3600' } },
    expected: {
      status: 429,
      headline: `${refreshFailed} HTTP 429.`,
      advice:
        'GoTo is rate limiting (10 requests per second per API) and asked to wait 3600 s before the next try (Retry-After), longer than goto-token-runner waits by itself (30 s): run again after 2026-03-02T10:00:00.000Z.',
      retryAfterSeconds: 3600,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 503 whose Retry-After (an HTTP-date, RFC 9110 §10.2.3) is two hours away says when to run again',
    request: refresh,
    answer: { status: 503, headers: { 'retry-after': 'Mon, 02 Mar 2026 11:00:00 GMT' } },
    expected: {
      status: 503,
      headline: `${refreshFailed} HTTP 503.`,
      advice:
        'GoTo is unavailable for now and asked to wait 7200 s before the next try (Retry-After), longer than goto-token-runner waits by itself (30 s): run again after 2026-03-02T11:00:00.000Z.',
      retryAfterSeconds: 7200,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 502 whose Retry-After is longer than the sender’s own cap (5 s) says a gateway could not reach GoTo',
    request: refresh,
    answer: { status: 502, headers: { 'retry-after': '10' } },
    context: { maxRetryAfterMs: 5_000 },
    expected: {
      status: 502,
      headline: `${refreshFailed} HTTP 502.`,
      advice:
        'a gateway in front of GoTo could not reach it and asked to wait 10 s before the next try (Retry-After), longer than goto-token-runner waits by itself (5 s): run again after 2026-03-02T09:00:10.000Z.',
      retryAfterSeconds: 10,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 400 with a Retry-After ignores it: only 429, 502 and 503 say when to try again',
    request: refresh,
    answer: json(400, { error: 'invalid_grant' }, { 'retry-after': '3600' }),
    expected: {
      status: 400,
      error: 'invalid_grant',
      headline: `${refreshFailed} HTTP 400 invalid_grant.`,
      advice: /^the refresh token was rotated, revoked or has expired/,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 302 to a login page is an unexpected status, not followed',
    request: refresh,
    answer: { status: 302, headers: { location: 'https://login.example.com/sso?next=/oauth/token' } },
    expected: {
      status: 302,
      headline: `${refreshFailed} HTTP 302.`,
      advice: 'check the GOTO_* settings and run again.',
    },
    notShown: ['login.example.com'],
  },
];

/** A success whose body is not what the service documents. */
const bodyErrors: BodyErrorRow[] = [
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 without access_token names "access_token" and no value',
    request: refresh,
    answer: json(200, { refresh_token: 'refresh-token-in-body-7', expires_in: 3600, token_type: 'Bearer' }),
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: /expected string, received undefined\s+→ at access_token/,
      advice: gotoBodyAdvice,
    },
    notShown: ['refresh-token-in-body-7'],
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 whose expires_in is a string names "expires_in"',
    request: refresh,
    answer: json(200, { access_token: 'access-token-in-body-8', expires_in: '3600' }),
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: /expected number, received string\s+→ at expires_in/,
      advice: gotoBodyAdvice,
    },
    notShown: ['access-token-in-body-8'],
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 whose body is a JSON array says an object was expected',
    request: refresh,
    answer: jsonText(200, '[]'),
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: /expected object, received array/,
      advice: gotoBodyAdvice,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 whose body is JSON null says an object was expected',
    request: refresh,
    answer: jsonText(200, 'null'),
    expected: { status: 200, says: tokenBodyFailed, problem: /expected object, received null/, advice: gotoBodyAdvice },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'an empty 200 says the body is empty',
    request: refresh,
    answer: { status: 200, headers: { 'content-type': 'application/json' }, body: '' },
    expected: { status: 200, says: tokenBodyFailed, problem: 'the body is empty', advice: gotoBodyAdvice },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'an HTML login page with status 200 says the body is not JSON and its content-type',
    request: refresh,
    answer: {
      status: 200,
      headers: { 'content-type': 'text/html;charset=UTF-8' },
      body: '<html><body><form action="/login">Sign in to continue</form></body></html>',
    },
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: 'the body is not JSON (content-type text/html)',
      advice: gotoBodyAdvice,
    },
    notShown: ['Sign in to continue'],
  },
  {
    definition: 'refreshTokenRequest',
    title: 'a 200 of plain text without a content-type says the content-type is missing',
    request: refresh,
    answer: { status: 200, body: 'OK', raw: true },
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: 'the body is not JSON (content-type missing)',
      advice: gotoBodyAdvice,
    },
  },
  {
    definition: 'refreshTokenRequest',
    title: 'truncated JSON that says it is JSON may have been cut off, and shows no part of the token',
    request: refresh,
    answer: jsonText(200, '{"access_token":"eyJraWQiOiJ0cnVuY2F0ZWQtdG9rZW4tdmFsdWU'),
    expected: {
      status: 200,
      says: tokenBodyFailed,
      problem: 'the body is not valid JSON although its content-type says so (it may have been cut off)',
      advice: gotoBodyAdvice,
    },
    notShown: ['eyJraWQiOiJ0cnVuY2F0ZWQtdG9rZW4tdmFsdWU'],
  },
  {
    definition: 'exchangeCodeRequest',
    title: 'a 200 with an empty access_token names "access_token"',
    request: exchange,
    answer: json(200, { access_token: '', expires_in: 3600, refresh_token: 'refresh-token-in-body-9' }),
    expected: {
      status: 200,
      says: 'Step "exchange the authorization code for tokens" failed: POST /oauth/token answered HTTP 200, but the body is not what GoTo documents:',
      problem: /→ at access_token/,
      advice: gotoBodyAdvice,
    },
    notShown: ['refresh-token-in-body-9'],
  },
];

export const tokenEndpointRows: ResponseRows = { typedBodies, statusErrors, bodyErrors };
