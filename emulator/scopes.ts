import type { ScopedRoute, ScopeRefusal } from './control-types';
import { jsonReply, type Reply } from './http-io';
import type { Tenant } from './tenant';

/**
 * The scope each emulated API needs. GoTo's developer center (https://developer.logmeininc.com/clients)
 * lists "Profile" as `identity:scim.me` apart from "GoToWebinar" as `collab:`, and GoTo's
 * Webinar OpenAPI says "`collab:` must be used when a token is requested from the
 * Authentication API"; prismatic.io's GoToWebinar component asks for `identity:scim.me collab:`.
 */
export const REQUIRED_SCOPE: Record<ScopedRoute, string> = {
  'users-me': 'identity:scim.me',
  webinars: 'collab:',
};

/** RFC 6749 §3.3: a space-delimited list, order and repeats of no meaning. */
export function scopeList(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

/**
 * The scopes an authorization grants: what the request asked for that the client has, or
 * every scope of the client when it asked for none ("Only the scopes set in your OAuth
 * client will be requested from your end users", GoTo's developer guide; an omitted scope
 * gets "all scopes assigned to your client ID"). RFC 6749 §3.3 lets a server grant less
 * than asked, and the token response's `scope` says what it granted.
 */
export function grantedScope(asked: string | undefined, clientScope: string): string[] {
  const client = scopeList(clientScope);
  const wanted = scopeList(asked);
  return wanted.length === 0 ? client : wanted.filter((scope) => client.includes(scope));
}

/**
 * What an API answers a valid access token that lacks its scope: the client's configured
 * answer, else a default. GoTo documents neither. The defaults follow each API's own way of
 * refusing a token: Users/me speaks RFC 6750 challenges (an empty body and
 * `WWW-Authenticate`, as w6w-io's live probe showed for a bad token), so it answers RFC 6750
 * §3.1 `insufficient_scope` with 403 and the `scope` it needs; the Webinar API answers token
 * problems with 403 and an `int_err_code` body (`InvalidToken`, n8n-io/n8n issue 14077; its
 * OpenAPI declares 403 "Forbidden" on every operation), so it answers 403 `Forbidden`.
 */
export function scopeRefusal(tenant: Tenant, route: ScopedRoute): Reply {
  return refusalReply(tenant.settings.insufficientScope?.[route]) ?? defaultRefusal(route);
}

/** Whether a token granted `granted` may call `route`. */
export function allows(granted: string, route: ScopedRoute): boolean {
  return scopeList(granted).includes(REQUIRED_SCOPE[route]);
}

function refusalReply(refusal: ScopeRefusal | undefined): Reply | undefined {
  return refusal && { status: refusal.status, headers: { ...refusal.headers }, body: refusal.body ?? '' };
}

function defaultRefusal(route: ScopedRoute): Reply {
  if (route === 'users-me') {
    return {
      status: 403,
      headers: {
        'www-authenticate':
          'Bearer error="insufficient_scope",' +
          'error_description="The access token does not allow this request",' +
          `scope="${REQUIRED_SCOPE[route]}"`,
      },
    };
  }
  return jsonReply(403, { int_err_code: 'Forbidden', msg: 'The access token does not allow this request' });
}
