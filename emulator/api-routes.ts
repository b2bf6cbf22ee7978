import { randomUUID } from 'node:crypto';
import { jsonReply, type Incoming, type Reply } from './http-io';
import { INT64_KEYS, keyedJson } from './key-json';
import { allows, scopeRefusal } from './scopes';
import type { AccessTokenGrant, EmulatorState } from './state';
import type { Tenant } from './tenant';
import { inListOrder } from './account-answers';
import { overlaps, type Webinar } from './webinar-data';
import { webinarListItem, type Organizer } from './webinar-views';

export const WEBINARS_PATH = /^\/G2W\/rest\/v2\/organizers\/([^/]+)\/webinars\/?$/;
export const USERS_ME_PATH = /^\/identity\/v1\/Users\/me\/?$/;

/**
 * The fields of the SCIM record that hold keys (the organizer's `id`, each account's `value`),
 * written as the client's `keyFormat` says; the Webinar API's are `INT64_KEYS`.
 */
const USERS_ME_KEYS: ReadonlySet<string> = new Set(['id', 'value']);

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 20;

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
  const n = organizerNumber(user.email);
  return keyedReply(
    check.tenant,
    {
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
    },
    { keyFields: USERS_ME_KEYS },
  );
}

function organizerNumber(email: string): string {
  return /\+(\d+)@/.exec(email)?.[1] ?? '1';
}

/** The organizer a client's user is, as the Webinar API names them (`organizerName`, `organizerEmail`). */
export function organizerOf(tenant: Tenant): Organizer {
  const { user } = tenant.client;
  return {
    organizerKey: user.organizerKey,
    accountKey: user.accountKey,
    email: user.email,
    name: `Emulated Organizer ${organizerNumber(user.email)}`,
  };
}

/**
 * GET /G2W/rest/v2/organizers/{organizerKey}/webinars (OpenAPI getWebinars), which needs
 * the scope `collab:` (emulator/scopes.ts). A bad or expired token is 403 InvalidToken,
 * never 401: the OpenAPI declares no 401 and GoTo answers 403 (docs/goto-facts.md §5e).
 */
export function handleWebinars(incoming: Incoming, state: EmulatorState, organizerKey: string): Reply {
  if (incoming.method !== 'GET') return badRequest('MethodNotAllowed', 'Only GET is emulated on this path', 405);
  const access = organizerAccess(incoming, state, organizerKey);
  if (!access.ok) return access.reply;
  return webinarListReply(incoming, access.tenant.listedWebinars(), access.tenant);
}

/**
 * A page of the webinars with a session in [fromTime, toTime] (getWebinars and
 * getAllAccountWebinars), each as a live list item has it (`webinarListItem`), or 400 for a
 * missing or bad query parameter.
 */
export function webinarListReply(incoming: Incoming, webinars: readonly Webinar[], tenant: Tenant): Reply {
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
  return halPageReply(
    incoming,
    'webinars',
    webinars.filter((webinar) => overlaps(webinar, from, to)).map(webinarListItem),
    tenant,
  );
}

/**
 * One page of a HAL list (`_embedded.{key}` and `page`, 0-based) as the query's `page` and
 * `size` ask for (OpenAPI parameters `page`, `size`), or 400 for a bad one; in the order the
 * client's account answers ask for (emulator/account-answers.ts).
 */
export function halPageReply(incoming: Incoming, key: string, listed: readonly unknown[], tenant: Tenant): Reply {
  const q = incoming.query.values;
  const page = parseInteger(q.page, 0);
  const size = parseInteger(q.size, DEFAULT_PAGE_SIZE);
  if (page === undefined)
    return badRequest('InvalidRequest', "Parameter 'page' must be an integer of 0 or more (pages start at 0)");
  if (size === undefined || size < 1 || size > MAX_PAGE_SIZE)
    return badRequest('InvalidRequest', `Parameter 'size' must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  const all = inListOrder(listed, tenant.settings.accountAnswers);
  const items = all.slice(page * size, page * size + size);
  const pageInfo = { size, totalElements: all.length, totalPages: Math.ceil(all.length / size), number: page };
  // Spring HATEOAS leaves `_embedded` out of an empty page and keeps `page`.
  const body = items.length > 0 ? { _embedded: { [key]: items }, page: pageInfo } : { page: pageInfo };
  return keyedReply(tenant, body);
}

/**
 * A JSON answer (200 unless `status` says) whose keys are strings or bare numbers, as the
 * client's `keyFormat` says: the Webinar API's `INT64_KEYS` unless `keyFields` names others.
 */
export function keyedReply(
  tenant: Tenant,
  value: unknown,
  { status = 200, keyFields = INT64_KEYS }: { status?: number; keyFields?: ReadonlySet<string> } = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: keyedJson(value, keyFields, tenant.settings.keyFormat),
  };
}

export type G2wAccess = { ok: true; grant: AccessTokenGrant; tenant: Tenant } | { ok: false; reply: Reply };

/**
 * Whether a G2W request may go on: a valid bearer token, else 403 InvalidToken, never 401
 * (the OpenAPI declares no 401 and GoTo answers 403, docs/goto-facts.md §5e).
 */
export function g2wAccess(incoming: Incoming, state: EmulatorState): G2wAccess {
  const check = checkAccessToken(incoming, state);
  // Every Webinar API call needs the scope `collab:` (emulator/scopes.ts).
  if (check.ok && !allows(check.grant.scope, 'webinars'))
    return { ok: false, reply: scopeRefusal(check.tenant, 'webinars') };
  if (check.ok) return check;
  return {
    ok: false,
    reply: jsonReply(
      403,
      { int_err_code: 'InvalidToken', msg: 'Invalid token passed' },
      { 'x-amzn-errortype': 'UnauthorizedException' },
    ),
  };
}

/** As `g2wAccess`, for a path under `/organizers/{organizerKey}`: the token's own organizer only. */
export function organizerAccess(incoming: Incoming, state: EmulatorState, organizerKey: string): G2wAccess {
  const access = g2wAccess(incoming, state);
  if (access.ok && organizerKey !== access.grant.userKey) {
    return {
      ok: false,
      reply: jsonReply(403, {
        int_err_code: 'AccessDenied',
        msg: 'The access token does not belong to this organizer',
      }),
    };
  }
  return access;
}

/** G2W 400/404/409 body as GoTo's clients model it (docs/goto-facts.md §5e). */
export function badRequest(errorCode: string, description: string, status = 400): Reply {
  return jsonReply(status, { errorCode, description, incident: randomUUID() });
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || !ISO_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseInteger(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
