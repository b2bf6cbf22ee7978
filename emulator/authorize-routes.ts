import { htmlReply, isFormContentType, type Incoming, type Params, type Reply } from './http-io';
import { renderErrorPage, renderLoginPage } from './login-page';
import { grantedScope } from './scopes';
import type { EmulatorState } from './state';
import type { Tenant } from './tenant';

/** The parameters of RFC 6749 §4.1.1 and RFC 7636 §4.3; anything else is ignored (§3.1). */
const OAUTH_PARAMS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

type AuthorizeRequest = {
  tenant: Tenant;
  redirectUri: string;
  redirectUriSent: boolean;
  scope: string;
  state?: string;
  codeChallenge?: string;
  /** The OAuth parameters exactly as received, carried through the login form. */
  carried: Record<string, string>;
};

type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; reply: Reply };

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /oauth/authorize: check the request, then show the sign-in page. */
export function showAuthorizePage(incoming: Incoming, state: EmulatorState): Reply {
  const checked = checkAuthorizeRequest(incoming.query, state);
  if (!checked.ok) return checked.reply;
  const { request } = checked;
  return htmlReply(
    200,
    renderLoginPage({ hidden: request.carried, clientId: request.tenant.client.clientId, scope: request.scope }),
    NO_STORE,
  );
}

/** POST /oauth/authorize: the sign-in form. Deny, a wrong password, or a code. */
export function submitAuthorizePage(incoming: Incoming, state: EmulatorState): Reply {
  if (!incoming.form || !isFormContentType(incoming.headers['content-type'])) {
    return htmlReply(400, renderErrorPage('The sign-in form must be posted as application/x-www-form-urlencoded.'));
  }
  // The hidden fields come back from the browser and may have been edited: check them again.
  const checked = checkAuthorizeRequest(incoming.form, state);
  if (!checked.ok) return checked.reply;
  const { request } = checked;
  const form = incoming.form.values;
  if (form.decision === 'deny') {
    return redirect(request.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access to the application',
      state: request.state,
    });
  }
  if (form.decision !== 'allow') return signInAgain(request, form.email, 'Choose Allow or Deny.');
  const user = request.tenant.client.user;
  if (form.email?.trim().toLowerCase() !== user.email.toLowerCase() || form.password !== user.password) {
    return signInAgain(request, form.email, 'The email or password is not correct.');
  }
  return redirectWithCode(request, state);
}

/** The sign-in page again, with the email as typed and what was wrong. */
function signInAgain(request: AuthorizeRequest, email: string | undefined, error: string): Reply {
  return htmlReply(
    200,
    renderLoginPage({
      hidden: request.carried,
      clientId: request.tenant.client.clientId,
      scope: request.scope,
      email,
      error,
    }),
    NO_STORE,
  );
}

/** RFC 6749 §4.1.2: a code bound to the client, scope, redirect URI and PKCE challenge, sent back with `state`. */
function redirectWithCode(request: AuthorizeRequest, state: EmulatorState): Reply {
  const code = state.issueCode(request.tenant, {
    scope: request.scope,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    ...(request.codeChallenge === undefined ? {} : { codeChallenge: request.codeChallenge }),
  });
  return redirect(request.redirectUri, { code, state: request.state });
}

function checkAuthorizeRequest(params: Params, state: EmulatorState): Checked {
  const trusted = trustedRedirect(params, state);
  if (!trusted.ok) return trusted;
  const { tenant, redirectUri, redirectUriSent } = trusted;
  const p = params.values;
  const stateParam = p.state;
  const fail = (error: string, description: string): Checked => ({
    ok: false,
    reply: redirect(redirectUri, { error, error_description: description, state: stateParam }),
  });

  const repeated = OAUTH_PARAMS.find((name) => params.repeated.includes(name));
  if (repeated) return fail('invalid_request', `parameter "${repeated}" is repeated (RFC 6749 §3.1)`);
  if (p.response_type === undefined) return fail('invalid_request', 'response_type is missing');
  if (p.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');

  // Fixed now, for every token of this authorization (emulator/scopes.ts).
  const granted = grantedScope(p.scope, tenant.client.scope);
  if (granted.length === 0) return fail('invalid_scope', 'none of the requested scopes is enabled for this client');

  const challenge = p.code_challenge;
  const pkce = pkceProblem(challenge, p.code_challenge_method);
  if (pkce) return fail('invalid_request', pkce);
  return {
    ok: true,
    request: {
      tenant,
      redirectUri,
      redirectUriSent,
      scope: granted.join(' '),
      carried: carriedParams(p),
      ...(stateParam === undefined ? {} : { state: stateParam }),
      ...(challenge === undefined ? {} : { codeChallenge: challenge }),
    },
  };
}

type TrustedRedirect = { ok: true; tenant: Tenant; redirectUri: string; redirectUriSent: boolean };

/**
 * The client and the redirect URI, checked first: RFC 6749 §4.1.2.1, until both are trusted,
 * errors go to the user only (an error page), never to the redirect URI.
 */
function trustedRedirect(params: Params, state: EmulatorState): TrustedRedirect | Extract<Checked, { ok: false }> {
  const p = params.values;
  if (p.client_id === undefined || p.client_id === '') return errorPage('The request has no client_id.');
  if (params.repeated.includes('client_id')) return errorPage('client_id is repeated.');
  const tenant = state.tenant(p.client_id);
  if (!tenant) return errorPage('client not found: no OAuth client is registered with this client_id.');
  if (params.repeated.includes('redirect_uri')) return errorPage('redirect_uri is repeated.');
  const redirectUriSent = p.redirect_uri !== undefined;
  // RFC 6749 §3.1.2.3: compared as a plain string with the registered ones.
  if (redirectUriSent && !tenant.client.redirectUris.includes(p.redirect_uri ?? '')) {
    return errorPage('redirect_uri is not one of the redirect URIs registered for this client.');
  }
  return { ok: true, tenant, redirectUri: p.redirect_uri ?? tenant.client.redirectUris[0] ?? '', redirectUriSent };
}

/** What is wrong with a PKCE challenge, if one was sent. */
function pkceProblem(challenge: string | undefined, method: string | undefined): string | undefined {
  // RFC 7636 §4.3: an absent method means "plain", which GoTo does not offer (metadata: S256 only).
  if (challenge === undefined && method === undefined) return undefined;
  if (challenge === undefined) return 'code_challenge_method was sent without code_challenge';
  if (method !== 'S256') return 'code_challenge_method must be S256';
  // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters of the unreserved set.
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
    return 'code_challenge is not a valid S256 challenge (RFC 7636 §4.2)';
  return undefined;
}

/** The OAuth parameters of the request, carried through the login page to the decision. */
function carriedParams(p: Params['values']): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const name of OAUTH_PARAMS) {
    const value = p[name];
    if (value !== undefined) carried[name] = value;
  }
  return carried;
}

function errorPage(message: string): Extract<Checked, { ok: false }> {
  return { ok: false, reply: htmlReply(400, renderErrorPage(message), NO_STORE) };
}

/** RFC 6749 §4.1.2: parameters are added to the redirect URI's query, keeping its own. */
function redirect(redirectUri: string, params: Record<string, string | undefined>): Reply {
  const location = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) location.searchParams.set(name, value);
  }
  return { status: 302, headers: { location: location.toString(), ...NO_STORE } };
}
