import { createHash } from 'node:crypto';
import {
  authorizeUrl,
  basicAuthorization,
  createPkcePair,
  gotoKey,
  listWebinarsRequest,
  refreshTokenRequest,
  tokenResponseSchema,
} from '../../requests';
import { LosslessNumber } from 'lossless-json';
import { expect, test } from './fixtures';

const client = {
  authBaseUrl: 'https://authentication.logmeininc.com',
  clientId: 'a2094c4f-868a-4339-934f-4da2d788d0aa',
};

test('builds the authorize URL with client_id, response_type=code, redirect_uri, state, scope and an S256 challenge', () => {
  const { codeChallenge } = createPkcePair();

  const url = authorizeUrl({
    ...client,
    redirectUri: 'https://example.com/',
    state: 'xyz',
    scope: 'collab:',
    codeChallenge,
  });

  expect(url.origin + url.pathname).toBe('https://authentication.logmeininc.com/oauth/authorize');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: 'https://example.com/',
    state: 'xyz',
    scope: 'collab:',
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
});

test('makes a PKCE verifier of 43+ unreserved characters whose S256 hash is the challenge (RFC 7636 §4.1-4.2)', () => {
  const { codeVerifier, codeChallenge } = createPkcePair();

  expect(codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
  expect(createHash('sha256').update(codeVerifier).digest('base64url')).toBe(codeChallenge);
});

/*
 * Expected values written out by hand, not built with the code under test: RFC 6749 §2.3.1
 * form-urlencodes id and secret (Appendix B), joins them with ':' and base64-encodes that
 * (RFC 7617 §2); the plain form is base64 of `id:secret` as GoTo's docs show it. `encoded`
 * is the RFC form's text before base64; the values were computed with coreutils `base64`.
 */
const basicValues = [
  {
    id: 'client',
    secret: 'secret',
    encoded: 'client:secret',
    rfc: 'Basic Y2xpZW50OnNlY3JldA==',
    plain: 'Basic Y2xpZW50OnNlY3JldA==',
  },
  {
    id: 'a:b',
    secret: 'p%q+r s',
    encoded: 'a%3Ab:p%25q%2Br+s',
    rfc: 'Basic YSUzQWI6cCUyNXElMkJyK3M=',
    plain: 'Basic YTpiOnAlcStyIHM=',
  },
  {
    id: 'id',
    secret: '3naO10IA2agcvG+9I9TGEQ==',
    encoded: 'id:3naO10IA2agcvG%2B9I9TGEQ%3D%3D',
    rfc: 'Basic aWQ6M25hTzEwSUEyYWdjdkclMkI5STlUR0VRJTNEJTNE',
    plain: 'Basic aWQ6M25hTzEwSUEyYWdjdkcrOUk5VEdFUT09',
  },
  {
    id: 'a2094c4f-868a-4339-934f-4da2d788d0aa',
    secret: 'q+W3/oAZ2lP9x+u/8Fh5Ng==',
    encoded: 'a2094c4f-868a-4339-934f-4da2d788d0aa:q%2BW3%2FoAZ2lP9x%2Bu%2F8Fh5Ng%3D%3D',
    rfc: 'Basic YTIwOTRjNGYtODY4YS00MzM5LTkzNGYtNGRhMmQ3ODhkMGFhOnElMkJXMyUyRm9BWjJsUDl4JTJCdSUyRjhGaDVOZyUzRCUzRA==',
    plain: 'Basic YTIwOTRjNGYtODY4YS00MzM5LTkzNGYtNGRhMmQ3ODhkMGFhOnErVzMvb0FaMmxQOXgrdS84Rmg1Tmc9PQ==',
  },
  // Its plain form's base64 holds '+' and '/': base64url ('-', '_') would show.
  {
    id: 'id',
    secret: 'ab?>/+=',
    encoded: 'id:ab%3F%3E%2F%2B%3D',
    rfc: 'Basic aWQ6YWIlM0YlM0UlMkYlMkIlM0Q=',
    plain: 'Basic aWQ6YWI/Pi8rPQ==',
  },
] as const;

for (const { id, secret, encoded, rfc } of basicValues) {
  test(`writes the Basic value of "${id}" and "${secret}" as base64 of "${encoded}" (RFC 6749 §2.3.1)`, () => {
    expect(basicAuthorization(id, secret)).toBe(rfc);
  });
}

for (const { id, secret, plain } of basicValues) {
  test(`writes the plain Basic value of "${id}" and "${secret}" as base64 of "${id}:${secret}" (GoTo's docs)`, () => {
    expect(basicAuthorization(id, secret, 'none')).toBe(plain);
  });
}

test('keeps the client secret and refresh token out of the URL and lists them as the request’s secrets', () => {
  const request = refreshTokenRequest({
    ...client,
    clientSecret: 'the-client-secret',
    refreshToken: 'the-refresh-token',
  });

  expect(request.url.toString()).toBe('https://authentication.logmeininc.com/oauth/token');
  expect(request.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'the-refresh-token' });
  expect(request.secrets).toEqual(
    expect.arrayContaining(['the-client-secret', 'the-refresh-token', request.headers.authorization]),
  );
});

test('sends webinar time ranges as ISO UTC without milliseconds and the organizer key as digits', () => {
  const request = listWebinarsRequest({
    apiBaseUrl: 'https://api.getgo.com',
    accessToken: 'token-value',
    organizerKey: '8439885694023999999',
    fromTime: new Date('2026-11-01T10:00:00.123Z'),
    toTime: new Date('2026-12-01T10:00:00Z'),
  });

  expect(request.url.toString()).toBe(
    'https://api.getgo.com/G2W/rest/v2/organizers/8439885694023999999/webinars?fromTime=2026-11-01T10%3A00%3A00Z&toTime=2026-12-01T10%3A00%3A00Z&page=0&size=20',
  );
});

test('keeps unknown token response fields and requires access_token and expires_in', () => {
  const legacy = tokenResponseSchema.parse({
    access_token: 'a',
    expires_in: 3600,
    organizer_key: '8439885694023999999',
  });
  const missing = tokenResponseSchema.safeParse({ expires_in: 3600 });

  expect(legacy.organizer_key, 'legacy fields pass through').toBe('8439885694023999999');
  expect(missing.success).toBe(false);
});

const keysTaken = [
  { as: 'a string of digits', key: '8439885694023999999' },
  { as: 'a bare JSON number read without loss', key: new LosslessNumber('8439885694023999999') },
  { as: 'a bigint', key: 8439885694023999999n },
  { as: 'a JavaScript number while it is exact', key: 9007199254740991 },
] as const;

for (const { as, key } of keysTaken) {
  test(`takes a key given as ${as} and gives its digits as a string`, () => {
    expect(gotoKey.parse(key)).toBe(String(key));
  });
}

const keysRefused = [
  // eslint-disable-next-line no-loss-of-precision -- the very number JSON.parse would hand over, precision already lost
  { as: 'a JavaScript number past 2^53', key: 8439885694023999999, problem: 'too large to be exact; the key is lost' },
  { as: 'a negative number', key: new LosslessNumber('-8439885694023999999'), problem: 'must be a string of digits' },
  { as: 'a fraction', key: 12.5, problem: 'must be a string of digits' },
  { as: 'a string with other characters', key: '8439-8856', problem: 'must be a string of digits' },
  { as: 'nothing', key: undefined, problem: 'is missing' },
] as const;

for (const { as, key, problem } of keysRefused) {
  test(`refuses a key given as ${as}, saying it ${problem.startsWith('is') ? problem : `"${problem}"`}`, () => {
    const result = gotoKey.safeParse(key);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join('\n')).toContain(problem);
  });
}
