import { expect } from '../fixtures';

/*
 * Talking to the GoTo emulator over plain HTTP, as an OAuth client or a browser would,
 * for the emulator's own tests (emulator-*.spec.ts): no code of the collection in between,
 * so the emulator is checked against the RFCs, not against our client.
 */

export type Client = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scope: string;
  user: { email: string; password: string; organizerKey: string; accountKey: string };
};
export type Control = {
  baseUrl: string;
  issueCode(
    clientId: string,
    options?: { redirectUri?: string; scope?: string; state?: string; codeChallenge?: string },
  ): Promise<{ code: string; state?: string }>;
};
export type Json = Record<string, unknown>;
export type Tokens = {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  principal: string;
};

/** RFC 6749 §2.3.1 / Appendix B: form-urlencode id and secret, join with ':', base64. */
export function basic(clientId: string, clientSecret: string): string {
  const formEncode = (value: string) => new URLSearchParams([['v', value]]).toString().slice(2);
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

export function postToken(baseUrl: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(`${baseUrl}/oauth/token`, form, headers);
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form), redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

export async function tokensFor(emulator: Control, client: Client): Promise<Tokens> {
  const { code } = await emulator.issueCode(client.clientId);
  const response = await postToken(
    emulator.baseUrl,
    { grant_type: 'authorization_code', code },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
  expect(response.status, 'the code exchange succeeds').toBe(200);
  return response.body as Tokens;
}

export function refresh(emulator: Control, client: Client, refreshToken: string) {
  return postToken(
    emulator.baseUrl,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
}

export function decodeJwt(jwt: string): { header: Json; payload: Json } {
  const [header = '', payload = ''] = jwt.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;
  return { header: decode(header), payload: decode(payload) };
}

export async function s256(verifier: string): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
}

export function authorizeUrl(baseUrl: string, params: Record<string, string>): string {
  return `${baseUrl}/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

export async function submitLogin(baseUrl: string, fields: Record<string, string>) {
  return fetch(`${baseUrl}/oauth/authorize`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

export function getMe(baseUrl: string, authorization?: string) {
  return fetch(`${baseUrl}/identity/v1/Users/me`, { headers: authorization ? { authorization } : {} });
}

export function getWebinars(
  baseUrl: string,
  organizerKey: string,
  accessToken: string | undefined,
  query: Record<string, string>,
) {
  return fetch(`${baseUrl}/G2W/rest/v2/organizers/${organizerKey}/webinars?${new URLSearchParams(query).toString()}`, {
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

export const DAY = 86_400;
export const wideRange = () => ({ fromTime: isoDaysFromNow(-400), toTime: isoDaysFromNow(400) });
export function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
