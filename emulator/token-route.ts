import { createHash } from 'node:crypto';
import { authenticateClient } from './client-auth';
import { isFormContentType, jsonReply, type Incoming, type Reply } from './http-io';
import { NO_STORE, repeatedParameter, tokenError } from './oauth-errors';
import { ACCESS_TOKEN_TTL_SECONDS, type EmulatorState, type RefreshTokenGrant } from './state';
import type { Tenant } from './tenant';

/** POST /oauth/token (RFC 6749 §3.2): the authorization_code and refresh_token grants. */
export function handleToken(incoming: Incoming, state: EmulatorState): Reply {
  if (incoming.method !== 'POST')
    return tokenError(405, 'invalid_request', 'the token endpoint accepts POST only (RFC 6749 §3.2)', {
      allow: 'POST',
    });
  if (!incoming.form || !isFormContentType(incoming.headers['content-type'])) {
    return tokenError(
      400,
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded (RFC 6749 §4.1.3)',
    );
  }
  const repeated = repeatedParameter(incoming.form.repeated);
  if (repeated) return repeated;
  const auth = authenticateClient(incoming, state);
  if (!auth.ok) return auth.reply;
  const form = incoming.form.values;
  switch (form.grant_type) {
    case undefined:
    case '':
      return tokenError(400, 'invalid_request', 'grant_type is missing');
    case 'authorization_code':
      return exchangeCode(form, auth.tenant, state);
    case 'refresh_token':
      return refresh(form, auth.tenant, state);
    default:
      // GoTo's metadata lists only these two grants; client_credentials does not exist there (docs/goto-facts.md §2).
      return tokenError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }
}

/** RFC 6749 §4.1.3, with PKCE per RFC 7636 §4.5-4.6. Descriptions never echo the code. */
function exchangeCode(form: Record<string, string>, tenant: Tenant, state: EmulatorState): Reply {
  const code = form.code;
  if (code === undefined || code === '') return tokenError(400, 'invalid_request', 'code is missing');
  const grant = state.code(code);
  if (!grant) return invalidGrant('authorization code is not valid: this server did not issue it');
  if (grant.clientId !== tenant.client.clientId) return invalidGrant('authorization code was issued to another client');
  if (grant.used)
    return invalidGrant('authorization code has already been used: a code works once, start again at /oauth/authorize');
  if (tenant.now() >= grant.expiresAtMs)
    return invalidGrant('authorization code has expired: codes last 10 minutes, start again at /oauth/authorize');
  if (form.redirect_uri === undefined) {
    if (grant.redirectUriSent)
      return tokenError(
        400,
        'invalid_request',
        'redirect_uri is missing: it was sent to /oauth/authorize, so it is required here (RFC 6749 §4.1.3)',
      );
  } else if (form.redirect_uri !== grant.redirectUri) {
    return invalidGrant('redirect_uri does not match the one used at /oauth/authorize (RFC 6749 §4.1.3)');
  }
  if (grant.codeChallenge !== undefined) {
    const verifier = form.code_verifier;
    if (verifier === undefined)
      return invalidGrant('code_verifier is missing: a code_challenge was sent to /oauth/authorize (RFC 7636 §4.5)');
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== grant.codeChallenge) {
      return invalidGrant('code_verifier does not match the code_challenge (RFC 7636 §4.6)');
    }
  }
  grant.used = true;
  const family = state.newFamily();
  return tokenResponse({
    access_token: state.issueAccessToken(tenant, grant.scope, family),
    token_type: 'Bearer',
    refresh_token: state.issueRefreshToken(tenant, grant.scope, family),
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    scope: grant.scope,
    principal: tenant.client.user.email,
  });
}

/**
 * RFC 6749 §6, under the client's rotation policy (emulator/control-types.ts,
 * `RotationSettings`): the refresh token stays valid for its 30 days unless the policy
 * renews it; a renewed one is dead at once, or after the grace period. A rotated-out token
 * presented outside any grace period is refused, and with reuse detection on revokes its
 * whole grant (RFC 9700 §4.14.2), access tokens included.
 */
function refresh(form: Record<string, string>, tenant: Tenant, state: EmulatorState): Reply {
  const token = form.refresh_token;
  if (token === undefined || token === '') return tokenError(400, 'invalid_request', 'refresh_token is missing');
  const grant = state.refreshToken(token);
  if (!grant) return invalidGrant('refresh token is not valid: this server did not issue it');
  if (grant.clientId !== tenant.client.clientId) return invalidGrant('refresh token was issued to another client');
  const now = tenant.now();
  const inGraceOf = state.graceSuccessor(grant, now);
  const spent = refuseSpentToken(grant, inGraceOf, tenant, state, now);
  if (spent) return spent;
  const scope = scopeAsked(grant.scope, form.scope);
  if ('refused' in scope) return scope.refused;
  return refreshAnswer(grant, scope.scope, inGraceOf, tenant, state, now);
}

/**
 * A refresh token rotated out (outside its grace period), revoked or expired is refused; a
 * rotated-out one, with reuse detection on, revokes its whole grant first (RFC 9700 §4.14.2).
 */
function refuseSpentToken(
  grant: RefreshTokenGrant,
  inGraceOf: RefreshTokenGrant | undefined,
  tenant: Tenant,
  state: EmulatorState,
  now: number,
): Reply | undefined {
  if (grant.retired === 'rotated' && !inGraceOf && tenant.settings.reuseDetection) {
    state.revokeFamily(grant.family);
    return invalidGrant(
      'refresh token was used again after it was rotated out: the whole grant is revoked (RFC 9700 §4.14.2), start again at /oauth/authorize',
    );
  }
  if (grant.retired === 'rotated' && !inGraceOf)
    return invalidGrant('refresh token was rotated out: use the refresh_token of the response that replaced it');
  if (grant.retired === 'revoked') return invalidGrant('refresh token was revoked: start again at /oauth/authorize');
  if (now >= grant.expiresAtMs)
    return invalidGrant('refresh token has expired: refresh tokens last 30 days, start again at /oauth/authorize');
  return undefined;
}

/** RFC 6749 §6: a narrower scope may be asked for, never a wider one. */
function scopeAsked(granted: string, asked: string | undefined): { scope: string } | { refused: Reply } {
  if (asked === undefined) return { scope: granted };
  const grantedScopes = granted.split(/\s+/).filter(Boolean);
  const askedScopes = asked.split(/\s+/).filter(Boolean);
  const extra = askedScopes.find((s) => !grantedScopes.includes(s));
  if (extra !== undefined)
    return {
      refused: tokenError(400, 'invalid_scope', `scope "${extra}" was not granted to this refresh token (RFC 6749 §6)`),
    };
  return { scope: askedScopes.length > 0 ? askedScopes.join(' ') : granted };
}

/** A new access token, and a refresh token only when the policy renews it (or a grace period hands on its successor). */
function refreshAnswer(
  grant: RefreshTokenGrant,
  scope: string,
  inGraceOf: RefreshTokenGrant | undefined,
  tenant: Tenant,
  state: EmulatorState,
  now: number,
): Reply {
  if (tenant.settings.revokePreviousAccessTokens) state.revokeFamilyAccessTokens(grant.family);
  const accessToken = state.issueAccessToken(tenant, scope, grant.family);
  const principal = tenant.client.user.email;
  // In the grace period: the answer carries the token that replaced it, so the client catches up.
  const refreshToken = inGraceOf
    ? inGraceOf.token
    : renews(grant, tenant, now)
      ? state.rotateRefreshToken(tenant, grant)
      : undefined;
  if (refreshToken === undefined) {
    // GoTo's documented non-rotating answer: no refresh_token and no token_type (docs/goto-facts.md §3a).
    return tokenResponse({ access_token: accessToken, expires_in: ACCESS_TOKEN_TTL_SECONDS, scope, principal });
  }
  return tokenResponse({
    access_token: accessToken,
    token_type: 'Bearer',
    refresh_token: refreshToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    scope,
    principal,
  });
}

/** Whether this refresh renews the refresh token, under the client's `rotation` policy. */
function renews(grant: RefreshTokenGrant, tenant: Tenant, now: number): boolean {
  const { rotation, rotationWindowSeconds } = tenant.settings;
  if (rotation === 'every-refresh') return true;
  return rotation === 'near-end' && grant.expiresAtMs - now < rotationWindowSeconds * 1000;
}

function invalidGrant(description: string): Reply {
  return tokenError(400, 'invalid_grant', description);
}

/** RFC 6749 §5.1: 200, JSON, `Cache-Control: no-store` and `Pragma: no-cache`. */
function tokenResponse(body: Record<string, string | number>): Reply {
  return jsonReply(200, body, NO_STORE);
}
