import { randomUUID } from 'node:crypto';
import { jsonReply, type Incoming, type Reply } from './http-io';
import { keyedJson } from './key-json';
import { allows, scopeRefusal } from './scopes';
import type { AccessTokenGrant, EmulatorState } from './state';
import type { Tenant } from './tenant';
import { overlaps } from './webinar-data';

export const WEBINARS_PATH = /^\/G2W\/rest\/v2\/organizers\/([^/]+)\/webinars\/?$/;
export const USERS_ME_PATH = /^\/identity\/v1\/Users\/me\/?$/;

/** The fields of each body that hold keys, written as the client's `keyFormat` says. */
const USERS_ME_KEYS: ReadonlySet<string> = new Set(['id', 'value']);
const WEBINAR_KEYS: ReadonlySet<string> = new Set(['webinarKey', 'organizerKey', 'accountKey']);

const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 20;

/**
 * RFC 6750 §2.1: `Authorization: Bearer <b64token>`, scheme case-insensitive. The query
 * and form alternatives of §2.2-2.3 are not accepted; GoTo documents only the header.
 */
export function bearerToken(headers: Record<string, string>): string | undefined {
  return /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(headers.authorization ?? '')?.[1];
}

type TokenCheck = { ok: true; grant: AccessTokenGrant; tenant: Tenant } | { ok: false; problem: string };

/** Looks the token up in the emulator's records; its claims are never trusted. */
function checkAccessToken(incoming: Incoming, state: EmulatorState): TokenCheck {
  const raw = incoming.headers.authorization;
  if (raw === undefined) return { ok: false, problem: 'No access token was sent' };
  const token = bearerToken(incoming.headers);
  if (token === undefined) return { ok: false, problem: 'The Authorization header is not a Bearer token' };
  const grant = state.accessToken(token);
  const tenant = grant ? state.tenant(grant.clientId) : undefined;
  if (!grant || !tenant) return { ok: false, problem: 'The access token is not valid' };
  if (grant.revoked) return { ok: false, problem: 'The access token was revoked' };
  if (tenant.now() >= grant.expiresAtMs) return { ok: false, problem: 'The access token expired' };
  return { ok: true, grant, tenant };
}

/**
 * GET /identity/v1/Users/me, the SCIM record whose `id` is the organizer key (reference
 * §5c); it needs the scope `identity:scim.me` (emulator/scopes.ts). A bad token gets 401
 * with an EMPTY body: the only signal is the RFC 6750 §3 challenge, as a live probe of GoTo
 * showed. (§3.1 would leave the error code out when no token was sent; GoTo's observed
 * answer has it, so it is always there.)
 */
export function handleUsersMe(incoming: Incoming, state: EmulatorState): Reply {
  if (incoming.method !== 'GET')
    return jsonReply(405, { errorCode: 'MethodNotAllowed', message: 'Use GET' }, { allow: 'GET' });
  const check = checkAccessToken(incoming, state);
  if (!check.ok) {
    return {
      status: 401,
      headers: { 'www-authenticate': `Bearer error="invalid_token",error_description="${check.problem}"` },
    };
  }
  if (!allows(check.grant.scope, 'users-me')) return scopeRefusal(check.tenant, 'users-me');
  const { user } = check.tenant.client;
  const n = /\+(\d+)@/.exec(user.email)?.[1] ?? '1';
  return keyedReply(check.tenant, USERS_ME_KEYS, {
    schemas: ['urn:scim:schemas:core:1.0', 'urn:scim:schemas:extension:getgo:1.0'],
    id: user.organizerKey,
    userName: user.email,
    displayName: `Emulated Organizer ${n}`,
    name: { givenName: 'Emulated', familyName: `Organizer ${n}` },
    emails: [{ value: user.email, primary: true }],
    locale: 'en_US',
    timezone: 'America/New_York',
    title: '',
    'urn:scim:schemas:extension:getgo:1.0': {
      accounts: [{ value: user.accountKey, display: `Emulated Account ${n}`, entitlements: ['g2w', 'acctadmin'] }],
    },
  });
}

/**
 * GET /G2W/rest/v2/organizers/{organizerKey}/webinars (OpenAPI getWebinars), which needs
 * the scope `collab:` (emulator/scopes.ts). A bad or expired token is 403 InvalidToken,
 * never 401: the OpenAPI declares no 401 and GoTo answers 403 (docs/goto-facts.md §5e).
 */
export function handleWebinars(incoming: Incoming, state: EmulatorState, organizerKey: string): Reply {
  if (incoming.method !== 'GET') return badRequest('MethodNotAllowed', 'Only GET is emulated on this path', 405);
  const check = checkAccessToken(incoming, state);
  if (!check.ok) {
    return jsonReply(
      403,
      { int_err_code: 'InvalidToken', msg: 'Invalid token passed' },
      { 'x-amzn-errortype': 'UnauthorizedException' },
    );
  }
  if (!allows(check.grant.scope, 'webinars')) return scopeRefusal(check.tenant, 'webinars');
  if (organizerKey !== check.grant.userKey) {
    return jsonReply(403, { int_err_code: 'AccessDenied', msg: 'The access token does not belong to this organizer' });
  }
  const q = incoming.query.values;
  const from = parseTime(q.fromTime);
  const to = parseTime(q.toTime);
  if (q.fromTime === undefined || q.toTime === undefined) {
    return badRequest(
      'InvalidRequest',
      `Required parameter '${q.fromTime === undefined ? 'fromTime' : 'toTime'}' is missing`,
    );
  }
  // An unencoded '+' in the offset arrives as a space; the OpenAPI says to encode it.
  if (from === undefined)
    return badRequest(
      'InvalidRequest',
      "Parameter 'fromTime' must be an ISO 8601 date-time such as 2020-03-13T10:00:00Z",
    );
  if (to === undefined)
    return badRequest(
      'InvalidRequest',
      "Parameter 'toTime' must be an ISO 8601 date-time such as 2020-03-13T22:00:00Z",
    );
  if (from > to) return badRequest('InvalidRequest', "'fromTime' must not be after 'toTime'");
  const page = parseInteger(q.page, 0);
  const size = parseInteger(q.size, DEFAULT_PAGE_SIZE);
  if (page === undefined)
    return badRequest('InvalidRequest', "Parameter 'page' must be an integer of 0 or more (pages start at 0)");
  if (size === undefined || size < 1 || size > MAX_PAGE_SIZE)
    return badRequest('InvalidRequest', `Parameter 'size' must be an integer from 1 to ${MAX_PAGE_SIZE}`);

  const matching = check.tenant.webinars.filter((webinar) => overlaps(webinar, from, to));
  const items = matching.slice(page * size, page * size + size);
  const pageInfo = {
    size,
    totalElements: matching.length,
    totalPages: Math.ceil(matching.length / size),
    number: page,
  };
  // Spring HATEOAS leaves `_embedded` out of an empty page and keeps `page`.
  const body = items.length > 0 ? { _embedded: { webinars: items }, page: pageInfo } : { page: pageInfo };
  return keyedReply(check.tenant, WEBINAR_KEYS, body);
}

/** A 200 whose keys are strings or bare numbers, as the client's `keyFormat` says. */
function keyedReply(tenant: Tenant, keyFields: ReadonlySet<string>, value: unknown): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: keyedJson(value, keyFields, tenant.settings.keyFormat),
  };
}

/** G2W 400/404 body as GoTo's clients model it (docs/goto-facts.md §5e). */
function badRequest(errorCode: string, description: string, status = 400): Reply {
  return jsonReply(status, { errorCode, description, incident: randomUUID() });
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || !ISO_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseInteger(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
