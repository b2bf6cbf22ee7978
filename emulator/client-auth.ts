import { createHash, timingSafeEqual } from 'node:crypto';
import type { Incoming, Reply } from './http-io';
import { invalidClient, tokenError } from './oauth-errors';
import type { EmulatorState } from './state';
import type { Tenant } from './tenant';

export type ClientCredentials = { clientId: string; clientSecret: string };

/** The two halves of a Basic value, as sent and after form-urldecoding. */
export type BasicCredentials = { raw: ClientCredentials; decoded: ClientCredentials | undefined };

/**
 * RFC 6749 §2.3.1: the Basic value is base64 of `form-urlencode(id) ":" form-urlencode(secret)`.
 * Decoding exactly reverses that: base64 → UTF-8 → split at the FIRST ':' (an encoded id
 * holds no raw ':', a secret may) → form-urldecode each half, where '+' means a space.
 * The raw halves are kept too, for clients set up like servers that skip the last step
 * (`basicDecoding: 'none'`, GoTo's docs' plain `base64(id:secret)`). Undefined when the
 * value is not well-formed.
 */
export function decodeBasicCredentials(authorization: string): BasicCredentials | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const raw = { clientId: text.slice(0, colon), clientSecret: text.slice(colon + 1) };
  const clientId = formUrlDecode(raw.clientId);
  const clientSecret = formUrlDecode(raw.clientSecret);
  return {
    raw,
    decoded: clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret },
  };
}

/** The client a token-endpoint request claims to be, before any secret is checked. */
export function claimedClientId(incoming: Incoming, state: EmulatorState): string | undefined {
  const authorization = incoming.headers.authorization;
  const basic = authorization ? decodeBasicCredentials(authorization) : undefined;
  if (basic) return basicTenant(basic, state)?.client.clientId ?? basic.decoded?.clientId ?? basic.raw.clientId;
  return incoming.form?.values.client_id;
}

/** The registered client a Basic value names, read the way that client's server decodes it. */
function basicTenant(basic: BasicCredentials, state: EmulatorState): Tenant | undefined {
  const byDecoded = basic.decoded ? state.tenant(basic.decoded.clientId) : undefined;
  if (byDecoded?.settings.basicDecoding === 'form-urlencoded') return byDecoded;
  const byRaw = state.tenant(basic.raw.clientId);
  return byRaw?.settings.basicDecoding === 'none' ? byRaw : byDecoded;
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
  const credentials =
    authorization !== undefined
      ? basicCredentials(authorization, form, state)
      : form.client_id !== undefined
        ? postCredentials(form.client_id, form)
        : invalidClient('client authentication is missing: send Authorization: Basic (RFC 6749 §2.3.1)');
  if (!('clientId' in credentials)) return fail(credentials);
  const tenant = state.tenant(credentials.clientId);
  // "client not found" is what GoTo answers for an unknown client (docs/goto-facts.md §4).
  if (!tenant) return fail(invalidClient('client not found'));
  if (!sameSecret(credentials.clientSecret, tenant.client.clientSecret))
    return fail(invalidClient('client secret does not match'));
  return { ok: true, tenant };
}

/** client_secret_basic: the Authorization header, decoded as the client's registration says; no secret in the body too. */
function basicCredentials(
  authorization: string,
  form: Record<string, string>,
  state: EmulatorState,
): ClientCredentials | Reply {
  if (!/^Basic\b/i.test(authorization))
    return invalidClient('unsupported authentication scheme: use HTTP Basic (RFC 6749 §2.3.1)');
  if (form.client_secret !== undefined)
    return tokenError(
      400,
      'invalid_request',
      'client authenticated with both HTTP Basic and client_secret in the body: use one (RFC 6749 §2.3)',
    );
  const basic = decodeBasicCredentials(authorization);
  const read = basic && (basicTenant(basic, state)?.settings.basicDecoding === 'none' ? basic.raw : basic.decoded);
  if (!read)
    return invalidClient(
      'malformed Basic credentials: expected base64 of form-urlencoded client_id ":" client_secret (RFC 6749 §2.3.1)',
    );
  if (form.client_id !== undefined && form.client_id !== read.clientId)
    return tokenError(400, 'invalid_request', 'client_id in the body differs from the one in the Basic credentials');
  return read;
}

/** client_secret_post: client_id and client_secret in the form body. */
function postCredentials(clientId: string, form: Record<string, string>): ClientCredentials | Reply {
  if (form.client_secret === undefined)
    return invalidClient('client_secret is missing: this client must authenticate (RFC 6749 §2.3.1)');
  return { clientId, clientSecret: form.client_secret };
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
