import { authenticateClient } from './client-auth';
import { isFormContentType, jsonReply, type Incoming, type Reply } from './http-io';
import { NO_STORE, repeatedParameter, tokenError } from './oauth-errors';
import type { EmulatorState } from './state';
import type { Tenant } from './tenant';

/**
 * The introspection (RFC 7662) and revocation (RFC 7009) endpoints that GoTo's RFC 8414
 * metadata advertises (docs/goto-facts.md §0). Both take the same client authentication as
 * /oauth/token. Neither is needed by the token workflow; they exist so the emulator's
 * metadata lists only endpoints that answer.
 */
export function handleIntrospect(incoming: Incoming, state: EmulatorState): Reply {
  const checked = checkTokenForm(incoming, state);
  if (!checked.ok) return checked.reply;
  const { token, tenant } = checked;
  const now = tenant.now();
  const access = state.accessToken(token);
  const refresh = state.refreshToken(token);
  const grant = access ?? refresh;
  // RFC 7662 §2.2: anything unknown, expired, revoked or another client's is just inactive.
  const active =
    grant !== undefined &&
    grant.clientId === tenant.client.clientId &&
    now < grant.expiresAtMs &&
    (access ? !access.revoked : refresh !== undefined && state.acceptsRefreshToken(refresh, now));
  if (!grant || !active) return jsonReply(200, { active: false }, NO_STORE);
  return jsonReply(
    200,
    {
      active: true,
      scope: grant.scope,
      client_id: grant.clientId,
      username: tenant.client.user.email,
      token_type: access ? 'Bearer' : 'refresh_token',
      sub: grant.userKey,
      iat: Math.floor(grant.issuedAtMs / 1000),
      exp: Math.floor(grant.expiresAtMs / 1000),
      iss: state.issuer,
    },
    NO_STORE,
  );
}

export function handleRevoke(incoming: Incoming, state: EmulatorState): Reply {
  const checked = checkTokenForm(incoming, state);
  if (!checked.ok) return checked.reply;
  const { token, tenant } = checked;
  const access = state.accessToken(token);
  const refresh = state.refreshToken(token);
  const owner = access?.clientId ?? refresh?.clientId;
  if (owner !== undefined && owner !== tenant.client.clientId) {
    return tokenError(400, 'invalid_request', 'token was issued to another client (RFC 7009 §2.1)');
  }
  if (access) access.revoked = true;
  if (refresh && refresh.retired === undefined) refresh.retired = 'revoked';
  // RFC 7009 §2.2: 200 whether or not the token was known.
  return { status: 200, headers: NO_STORE };
}

type Checked = { ok: true; token: string; tenant: Tenant } | { ok: false; reply: Reply };

function checkTokenForm(incoming: Incoming, state: EmulatorState): Checked {
  if (incoming.method !== 'POST')
    return {
      ok: false,
      reply: tokenError(405, 'invalid_request', 'this endpoint accepts POST only', { allow: 'POST' }),
    };
  if (!incoming.form || !isFormContentType(incoming.headers['content-type'])) {
    return {
      ok: false,
      reply: tokenError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded'),
    };
  }
  const repeated = repeatedParameter(incoming.form.repeated);
  if (repeated) return { ok: false, reply: repeated };
  const auth = authenticateClient(incoming, state);
  if (!auth.ok) return auth;
  const token = incoming.form.values.token;
  if (token === undefined || token === '')
    return { ok: false, reply: tokenError(400, 'invalid_request', 'token is missing') };
  return { ok: true, token, tenant: auth.tenant };
}
