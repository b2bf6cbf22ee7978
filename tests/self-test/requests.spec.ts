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
import { expect, test } from '../../fixtures';

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

for (const [id, secret, expected] of [
  ['client', 'secret', 'client:secret'],
  ['a:b', 'p%q+r s', 'a%3Ab:p%25q%2Br+s'],
  ['id', '3naO10IA2agcvG+9I9TGEQ==', 'id:3naO10IA2agcvG%2B9I9TGEQ%3D%3D'],
] as const) {
  test(`form-encodes "${id}" and "${secret}" before base64 in the Basic value (RFC 6749 §2.3.1)`, () => {
    const value = basicAuthorization(id, secret);

    expect(Buffer.from(value.replace(/^Basic /, ''), 'base64').toString()).toBe(expected);
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

test('accepts keys as digit strings and refuses a JSON number that has lost precision', () => {
  expect(gotoKey.parse('8439885694023999999')).toBe('8439885694023999999');
  expect(gotoKey.parse(12345)).toBe('12345');
  // eslint-disable-next-line no-loss-of-precision -- the very number JSON.parse would hand over, precision already lost
  expect(gotoKey.safeParse(8439885694023999999).success, 'past Number.MAX_SAFE_INTEGER').toBe(false);
});
