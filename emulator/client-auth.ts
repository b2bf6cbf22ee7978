import { createHash, timingSafeEqual } from 'node:crypto';
import type { Incoming, Reply } from './http-io';
import { invalidClient, tokenError } from './oauth-errors';
import type { EmulatorState } from './state';
import type { Tenant } from './tenant';

export type ClientCredentials = { clientId: string; clientSecret: string };

/**
 * RFC 6749 §2.3.1: the Basic value is base64 of `form-urlencode(id) ":" form-urlencode(secret)`.
 * Decoding exactly reverses that: base64 → UTF-8 → split at the FIRST ':' (an encoded id
 * holds no raw ':', a secret may) → form-urldecode each half, where '+' means a space.
 * So a client that skips the form-encoding step fails here as it would at GoTo whenever
 * its secret contains '+' or '%'. Undefined when the value is not well-formed.
 */
export function decodeBasicCredentials(authorization: string): ClientCredentials | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const clientSecret = formUrlDecode(decoded.slice(colon + 1));
  return clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret };
}

/** The client a token-endpoint request claims to be, before any secret is checked. */
export function claimedClientId(incoming: Incoming): string | undefined {
  const authorization = incoming.headers.authorization;
  const fromBasic = authorization ? decodeBasicCredentials(authorization)?.clientId : undefined;
  return fromBasic ?? incoming.form?.values.client_id;
}

export type ClientAuthResult = { ok: true; tenant: Tenant } | { ok: false; reply: Reply };

/**
 * Confidential-client authentication at the token, introspection and revocation
 * endpoints: client_secret_basic or client_secret_post (RFC 6749 §2.3.1), never both
 * (§2.3: "MUST NOT use more than one authentication method in each request").
 * Emulated clients all have a secret, so the metadata's `none` is refused here.
 */
export function authenticateClient(incoming: Incoming, state: EmulatorState): ClientAuthResult {
  const form = incoming.form?.values ?? {};
  const authorization = incoming.headers.authorization;
  let credentials: ClientCredentials;
  if (authorization !== undefined) {
    if (!/^Basic\b/i.test(authorization)) return fail(invalidClient('unsupported authentication scheme: use HTTP Basic (RFC 6749 §2.3.1)'));
    if (form.client_secret !== undefined) {
      return fail(tokenError(400, 'invalid_request', 'client authenticated with both HTTP Basic and client_secret in the body: use one (RFC 6749 §2.3)'));
    }
    const basic = decodeBasicCredentials(authorization);
    if (!basic) return fail(invalidClient('malformed Basic credentials: expected base64 of form-urlencoded client_id ":" client_secret (RFC 6749 §2.3.1)'));
    if (form.client_id !== undefined && form.client_id !== basic.clientId) {
      return fail(tokenError(400, 'invalid_request', 'client_id in the body differs from the one in the Basic credentials'));
    }
    credentials = basic;
  } else if (form.client_id !== undefined) {
    if (form.client_secret === undefined) return fail(invalidClient('client_secret is missing: this client must authenticate (RFC 6749 §2.3.1)'));
    credentials = { clientId: form.client_id, clientSecret: form.client_secret };
  } else {
    return fail(invalidClient('client authentication is missing: send Authorization: Basic (RFC 6749 §2.3.1)'));
  }
  const tenant = state.tenant(credentials.clientId);
  // "client not found" is what GoTo answers for an unknown client (reference §4).
  if (!tenant) return fail(invalidClient('client not found'));
  if (!sameSecret(credentials.clientSecret, tenant.client.clientSecret)) return fail(invalidClient('client secret does not match'));
  return { ok: true, tenant };
}

function fail(reply: Reply): ClientAuthResult {
  return { ok: false, reply };
}

/** application/x-www-form-urlencoded decoding (WHATWG URL §5.1): '+' is a space. */
function formUrlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  // Equal-length digests keep the comparison constant-time whatever the input length.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
