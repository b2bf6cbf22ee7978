import type {
  AccessTokenInfo,
  ClientSettings,
  ClientUpdate,
  CreateClientOptions,
  CreateVercelProjectOptions,
  EmulatorClient,
  EmulatorVercelProject,
  Fault,
  ListeningSocket,
  ReceivedRequest,
  RefreshTokenInfo,
  VercelFault,
  VercelProjectState,
  VercelReceivedRequest,
} from './control-types';
import { EmulatorControlError } from './emulator-control-error';

export type {
  AccessTokenInfo,
  AccountAnswers,
  ClientSettings,
  ClientUpdate,
  CreateClientOptions,
  EmulatorClient,
  EmulatorUser,
  Fault,
  FaultRoute,
  InsufficientScopeAnswers,
  KeyFormat,
  ListeningSocket,
  ListOrder,
  ReceivedRequest,
  ReceivedRoute,
  RefreshTokenInfo,
  RegistrationFormExtras,
  RotationPolicy,
  RotationSettings,
  ScopedRoute,
  ScopeRefusal,
  CreateVercelProjectOptions,
  EmulatorVercelProject,
  VercelDeployment,
  VercelEnvTarget,
  VercelEnvVariable,
  VercelFault,
  VercelProjectState,
  VercelReceivedRequest,
  VercelRoute,
  WebinarRoute,
} from './control-types';
export { EmulatorControlError } from './emulator-control-error';

export type IssueCodeOptions = { redirectUri?: string; scope?: string; state?: string; codeChallenge?: string };

/**
 * A typed client for the emulator's control API (`/__emulator/...`), over plain fetch.
 * Every method concerns one registered client, so parallel tests never share state.
 */
export class EmulatorControl {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Where the emulator's server socket is bound, as the socket itself says, and the pid that holds it. */
  listening(): Promise<ListeningSocket> {
    return this.call<ListeningSocket>('GET', '/__emulator/listening');
  }

  /** Registers a new OAuth client (and its GoTo user) with the given or default settings. */
  createClient(options: CreateClientOptions = {}): Promise<EmulatorClient> {
    return this.call<EmulatorClient>('POST', '/__emulator/clients', options);
  }

  /** The client as registered, secret and user credentials included. */
  client(clientId: string): Promise<EmulatorClient> {
    return this.call<EmulatorClient>('GET', clientPath(clientId));
  }

  /** What the emulator received for that client, oldest first. */
  requests(clientId: string): Promise<ReceivedRequest[]> {
    return this.call<ReceivedRequest[]>('GET', `${clientPath(clientId)}/requests`);
  }

  /** Moves that client's clock forward, so its codes and tokens age without waiting. */
  async advanceClock(clientId: string, seconds: number): Promise<void> {
    await this.call('POST', `${clientPath(clientId)}/clock`, { advanceSeconds: seconds });
  }

  /**
   * Changes a client's rotation policy, key format, scopes, answers to a missing scope,
   * registration form or its account's answers (`AccountAnswers`, replaced as a whole) from its
   * next request on. New scopes count for the next authorization only, as on GoTo: tokens keep
   * the scopes they were granted. Says the client's settings now.
   */
  updateClient(clientId: string, patch: ClientUpdate): Promise<ClientSettings> {
    return this.call<ClientSettings>('PATCH', clientPath(clientId), patch);
  }

  /** Queues a canned answer for that client's next request(s) on `fault.route`. */
  async addFault(clientId: string, fault: Fault): Promise<void> {
    await this.call('POST', `${clientPath(clientId)}/faults`, fault);
  }

  /**
   * Sends the answers that `holdMs` faults hold back for that client now, and ends the waits
   * of its `delayMs` faults (the requests then go on as they would have); says how many.
   */
  async releaseHeld(clientId: string): Promise<number> {
    return (await this.call<{ released: number }>('POST', `${clientPath(clientId)}/release`)).released;
  }

  /** Every refresh token issued to that client, oldest first, and whether it still works. */
  refreshTokens(clientId: string): Promise<RefreshTokenInfo[]> {
    return this.call<RefreshTokenInfo[]>('GET', `${clientPath(clientId)}/refresh-tokens`);
  }

  /** Every access token issued to that client, oldest first, and whether it still works. */
  accessTokens(clientId: string): Promise<AccessTokenInfo[]> {
    return this.call<AccessTokenInfo[]>('GET', `${clientPath(clientId)}/access-tokens`);
  }

  /**
   * Revokes that client's access tokens, as GoTo may while a run is using one: `token`
   * alone, or every one. Refresh tokens keep working. Says how many were still live.
   */
  async revokeAccessTokens(clientId: string, token?: string): Promise<number> {
    const body = token === undefined ? {} : { token };
    return (await this.call<{ revoked: number }>('POST', `${clientPath(clientId)}/revoke-access-tokens`, body)).revoked;
  }

  /**
   * Logs in as that client's user the way a browser would: GET /oauth/authorize, then POST
   * the form with the user's email and password and "Allow". Follows no redirect; reads
   * `code` and `state` from the 302 Location.
   */
  async issueCode(clientId: string, options: IssueCodeOptions = {}): Promise<{ code: string; state?: string }> {
    if (clientId === '') throw new EmulatorControlError('issueCode needs the client id of a registered client');
    const client = await this.client(clientId);
    const params = authorizeParams(clientId, options);
    await this.#openSignInPage(params);
    const location = await this.#allow(params, client.user);
    return codeIn(location);
  }

  async #openSignInPage(params: URLSearchParams): Promise<void> {
    const page = await fetch(`${this.baseUrl}/oauth/authorize?${params.toString()}`, { redirect: 'manual' });
    await page.text();
    if (page.status !== 200)
      throw new EmulatorControlError(`GET /oauth/authorize answered ${page.status}, not the sign-in page`, page.status);
  }

  /** Submits the sign-in form with the user's email and password and "Allow"; says where it redirects. */
  async #allow(params: URLSearchParams, user: { email: string; password: string }): Promise<URL> {
    const form = new URLSearchParams(params);
    form.set('email', user.email);
    form.set('password', user.password);
    form.set('decision', 'allow');
    const submitted = await fetch(`${this.baseUrl}/oauth/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    await submitted.text();
    const location = submitted.headers.get('location');
    if (submitted.status !== 302 || location === null) {
      throw new EmulatorControlError(
        `POST /oauth/authorize answered ${submitted.status} without a redirect`,
        submitted.status,
      );
    }
    return new URL(location);
  }

  /** Registers an emulated Vercel project, with its own token (and deploy hook unless told not to). */
  createVercelProject(options: CreateVercelProjectOptions = {}): Promise<EmulatorVercelProject> {
    return this.call<EmulatorVercelProject>('POST', '/__emulator/vercel/projects', options);
  }

  /** The project as it is now: its variables (values included) and deployments. */
  vercelProject(projectId: string): Promise<VercelProjectState> {
    return this.call<VercelProjectState>('GET', vercelProjectPath(projectId));
  }

  /** What the emulated Vercel received for that project, oldest first. */
  vercelRequests(projectId: string): Promise<VercelReceivedRequest[]> {
    return this.call<VercelReceivedRequest[]>('GET', `${vercelProjectPath(projectId)}/requests`);
  }

  /** Queues a canned answer for that project's next request(s) on `fault.route`. */
  async addVercelFault(projectId: string, fault: VercelFault): Promise<void> {
    await this.call('POST', `${vercelProjectPath(projectId)}/faults`, fault);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const routeForHumans = path
      .replace(/^\/__emulator\/clients\/[^/]+/, '/__emulator/clients/:id')
      .replace(/^\/__emulator\/vercel\/projects\/[^/]+/, '/__emulator/vercel/projects/:id');
    if (!response.ok) {
      throw new EmulatorControlError(
        `${method} ${routeForHumans} answered ${response.status}: ${errorText(text)}`,
        response.status,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

function vercelProjectPath(projectId: string): string {
  return `/__emulator/vercel/projects/${encodeURIComponent(projectId)}`;
}

function clientPath(clientId: string): string {
  return `/__emulator/clients/${encodeURIComponent(clientId)}`;
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : 'no error text';
  } catch {
    return 'no error text';
  }
}

/** The authorization request's parameters (RFC 6749 §4.1.1; PKCE per RFC 7636 §4.3). */
function authorizeParams(clientId: string, options: IssueCodeOptions): URLSearchParams {
  const params = new URLSearchParams({ client_id: clientId, response_type: 'code' });
  if (options.redirectUri !== undefined) params.set('redirect_uri', options.redirectUri);
  if (options.scope !== undefined) params.set('scope', options.scope);
  if (options.state !== undefined) params.set('state', options.state);
  if (options.codeChallenge !== undefined) {
    params.set('code_challenge', options.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  return params;
}

/** `code` and `state` from the redirect (RFC 6749 §4.1.2), or the error it carries. */
function codeIn(location: URL): { code: string; state?: string } {
  const query = location.searchParams;
  const code = query.get('code');
  if (code === null)
    throw new EmulatorControlError(
      `POST /oauth/authorize redirected with error "${query.get('error') ?? 'unknown'}"`,
      302,
    );
  const state = query.get('state');
  return state === null ? { code } : { code, state };
}
