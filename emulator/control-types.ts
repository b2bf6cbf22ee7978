/**
 * The shapes the emulator's control API (`/__emulator/...`) sends and accepts. Plain
 * hand-written types with no zod, so `control-client.ts` can be imported anywhere
 * without pulling in the server. The server validates these bodies itself
 * (`control-routes.ts`).
 */

/**
 * When a client's refresh token is replaced by a new one.
 * - `never`: the same refresh token works for its 30 days, then it is dead.
 * - `near-expiry` (the default, like GoTo's docs): the first refresh with less than
 *   `rotationWindowSeconds` of the 30 days left returns a new token and retires the old one.
 * - `always`: every refresh returns a new token and retires the old one.
 */
export type RotationPolicy = 'never' | 'near-expiry' | 'always';

export type CreateClientOptions = {
  /** Registered redirect URIs (RFC 6749 §3.1.2). Default `["https://app.example.com/callback"]`. */
  redirectUris?: string[];
  /** Default `near-expiry`. */
  rotation?: RotationPolicy;
  /** For `near-expiry`. Default 7 days (604800). */
  rotationWindowSeconds?: number;
  /**
   * A rotated-out refresh token presented again revokes the whole grant: every refresh and
   * access token issued since the code exchange (RFC 9700 §4.14.2). Default false.
   */
  reuseDetection?: boolean;
  /** The scopes the client may ask for, space-separated. Default `collab: identity:scim.me`. */
  scope?: string;
  /** Default: 24 characters of base64 (16 random bytes), like GoTo's secrets. */
  clientSecret?: string;
  /** Default: a random UUID, like GoTo's client ids. */
  clientId?: string;
  /** How the token endpoint reads this client's Basic value. Default `form-urlencoded`. */
  basicDecoding?: BasicDecoding;
};

/**
 * - `form-urlencoded`: RFC 6749 §2.3.1, id and secret form-urldecoded after base64.
 * - `none`: the halves taken as they are, like servers that follow GoTo's docs'
 *   `base64(client_id:client_secret)` literally; a `+` or `=` sent encoded then fails.
 */
export type BasicDecoding = 'form-urlencoded' | 'none';

/** The GoTo account that logs in at /oauth/authorize for this client. */
export type EmulatorUser = {
  email: string;
  password: string;
  /** 19 digits, above Number.MAX_SAFE_INTEGER: a string, never a number. */
  organizerKey: string;
  /** 19 digits, above Number.MAX_SAFE_INTEGER: a string, never a number. */
  accountKey: string;
};

export type EmulatorClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scope: string;
  user: EmulatorUser;
};

/**
 * Which emulated call a request was: the Webinar API's are named after what they serve
 * (`webinars` is getWebinars; `registrants` is getAllRegistrantsForWebinar and
 * createRegistrant, told apart by the method; see emulator/webinar-routes.ts).
 */
export type ReceivedRoute = 'authorize' | 'token' | 'users-me' | 'webinars' | WebinarRoute | 'other';

export type WebinarRoute =
  | 'account-webinars'
  | 'webinar'
  | 'sessions'
  | 'session'
  | 'session-attendees'
  | 'session-performance'
  | 'webinar-attendees'
  | 'registrants'
  | 'registrant'
  | 'registration-fields';

/** One request as an emulated API received it, attributed to the client or project it concerns. */
export type Received<Route extends string> = {
  route: Route;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names lowercased. */
  headers: Record<string, string>;
  /** When it arrived, on the owner's clock (ISO 8601). */
  at: string;
};

/** A request to the emulated GoTo, attributed to the client it concerns. */
export type ReceivedRequest = Received<ReceivedRoute> & {
  /** Parsed `application/x-www-form-urlencoded` body, when there was one. */
  form?: Record<string, string>;
  /** Parsed `application/json` body, when there was one. */
  json?: unknown;
};

/**
 * The emulator's listening socket as the server reads it back from the kernel
 * (`server.address()`, getsockname(2)), not the URL it was asked for, and the process
 * that holds it.
 */
export type ListeningSocket = { address: string; family: string; port: number; pid: number };

export type FaultRoute = 'token' | 'users-me' | 'webinars' | WebinarRoute;

/**
 * A canned answer for the next request(s) on `route` attributed to the client.
 * Without `status` the fault only adds latency: after `delayMs` the request is handled
 * as usual. With `status`, the emulator answers `status`, `headers` and `body` verbatim
 * instead of handling it. With `drop`, it closes the connection (after `delayMs`) without
 * answering, as a server that crashed or a proxy that cut the line would. Either way the
 * request is still recorded.
 */
export type CannedAnswer<Route extends string> = {
  route: Route;
  status?: number;
  /** Close the connection without any answer; not with `status`, `headers` or `body`. */
  drop?: boolean;
  headers?: Record<string, string>;
  /** Sent as is (see `echo`); set `content-type` in `headers` if it matters. */
  body?: string;
  /**
   * Fill `body` and the `headers` values in from the request being answered, as a server
   * that quotes what it was sent (secrets included) in an error page or a redirect would:
   * `{{form.NAME}}`, `{{query.NAME}}` and `{{header.NAME}}` become that value, or nothing
   * when the request has none. Only with `status`. Example: `{ route: 'token', status: 400,
   * echo: true, body: '{"error":"invalid_grant","error_description":"{{form.refresh_token}} is unknown"}' }`.
   */
  echo?: boolean;
  delayMs?: number;
  /**
   * Handle the request at once, as usual, then hold its answer back this long: the server
   * has acted (a refresh token may be rotated) but the client does not know yet. A client
   * that gives up or dies meanwhile never gets the answer. Not with `status` or `drop`.
   * `POST /__emulator/clients/{id}/release` (`releaseHeld`) sends held answers at once.
   */
  holdMs?: number;
  /** How many requests it applies to. Default 1. */
  times?: number;
};

export type Fault = CannedAnswer<FaultRoute>;

export type RefreshTokenInfo = {
  token: string;
  /** False once rotated out, revoked or expired on the client's clock. */
  active: boolean;
  issuedAt: string;
  expiresAt: string;
};

export type AccessTokenInfo = {
  token: string;
  /** False once revoked (RFC 7009 or reuse detection) or expired on the client's clock. */
  active: boolean;
  issuedAt: string;
  expiresAt: string;
};

export type ClientSettings = {
  rotation: RotationPolicy;
  rotationWindowSeconds: number;
  reuseDetection: boolean;
  basicDecoding: BasicDecoding;
};

/** The Vercel environments a project variable can target. */
export type VercelEnvTarget = 'production' | 'preview' | 'development';

/** A project variable as the emulated Vercel keeps it, value included (it is test data). */
export type VercelEnvVariable = {
  id: string;
  key: string;
  value: string;
  type: 'sensitive' | 'encrypted' | 'plain' | 'secret' | 'system';
  target: VercelEnvTarget[];
  createdAt: number;
  updatedAt: number;
};

/** A deployment of an emulated Vercel project; it builds at once. */
export type VercelDeployment = {
  uid: string;
  name: string;
  url: string;
  created: number;
  state: 'READY';
  target: 'production' | null;
  /** How it came to be: registered with the project, by the deploy hook, or a redeploy through the API. */
  source: 'registered' | 'deploy-hook' | 'redeploy';
  /** For a redeploy, the deployment it rebuilt. */
  redeployOf?: string;
  /** The project variables of its environment when it was built: what the app would see. */
  env: Record<string, string>;
};

export type CreateVercelProjectOptions = {
  /** Default: a made-up name like `emulated-app-3`. */
  name?: string;
  /** The team that owns it; requests must then send `teamId`. Default: a personal project. */
  teamId?: string;
  /** The only token it accepts. Default: 24 random characters, like Vercel's tokens. */
  token?: string;
  /** Give it a deploy hook (on its production branch). Default true. */
  deployHook?: boolean;
  /** Start with one READY production deployment, the one an API redeploy rebuilds. Default true. */
  productionDeployment?: boolean;
  /** Variables it already has, as if someone had added them by hand. */
  env?: Array<Pick<VercelEnvVariable, 'key' | 'value' | 'type' | 'target'>>;
};

export type EmulatorVercelProject = {
  projectId: string;
  name: string;
  teamId?: string;
  token: string;
  /** POST here to redeploy, like https://api.vercel.com/v1/integrations/deploy/{projectId}/{hookId}. */
  deployHookUrl?: string;
};

/** The project as the emulator holds it now: its variables and deployments, newest last. */
export type VercelProjectState = EmulatorVercelProject & { env: VercelEnvVariable[]; deployments: VercelDeployment[] };

export type VercelRoute = 'env' | 'list-deployments' | 'create-deployment' | 'deploy-hook' | 'other';

/** One request to the emulated Vercel API, attributed to the project it names. */
export type VercelReceivedRequest = Received<VercelRoute> & {
  /** The parsed JSON body, when there was one. */
  json?: unknown;
};

/** A canned answer for the project's next request(s) on `route`; as `Fault`, for Vercel. */
export type VercelFault = CannedAnswer<Exclude<VercelRoute, 'other'>>;
