/**
 * The shapes the emulator's control API (`/__emulator/...`) sends and accepts. Plain
 * hand-written types with no zod, so `control-client.ts` can be imported anywhere
 * without pulling in the server. The server validates these bodies itself
 * (`control-routes.ts`).
 */

/**
 * When a refresh answers with a new refresh token and retires the one it was sent (RFC 6749
 * §6). GoTo's pages disagree: the 2017 how-use-refresh-tokens page says a refresh token "is
 * valid for one use only"; its 2020 version says tokens are "renewed at the end of" their 30
 * days; the current guide exists in a version that returns one only when the old one expired
 * and one that returns one on every refresh (docs/goto-facts.md §3c, §10). So the emulator
 * offers each, and defaults to the strictest:
 * - `every-refresh` (the default): every refresh renews it, as a one-use token.
 * - `near-end`: the first refresh with less than `rotationWindowSeconds` of the 30 days
 *   left renews it.
 * - `never`: the same refresh token works for its 30 days, then it is dead.
 */
export type RotationPolicy = 'every-refresh' | 'near-end' | 'never';

/** A client's rotation policy: what a refresh does to the tokens it replaces. */
export type RotationSettings = {
  /** Default `every-refresh`, the strictest reading of GoTo's pages. */
  rotation: RotationPolicy;
  /** For `near-end`. Default 7 days (604800), a guess: GoTo does not say. */
  rotationWindowSeconds: number;
  /**
   * How long a rotated-out refresh token keeps working, so that a client that lost the
   * answer can try again, as Amazon Cognito's `RetryGracePeriodSeconds` does
   * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
   * A refresh with it answers a new access token and the refresh token that replaced it
   * (https://github.com/jazzband/django-oauth-toolkit/issues/702). Only the token just before
   * the current one. 0 is off, the default: no GoTo source describes a grace period.
   */
  rotationGraceSeconds: number;
  /**
   * A refresh revokes the access tokens issued before it in the grant, as a 2017 version of
   * GoTo's how-use-refresh-tokens page said ("the access token is also invalidated"). Default
   * true, the strictest reading; false: they simply run out after their hour.
   */
  revokePreviousAccessTokens: boolean;
  /**
   * A rotated-out refresh token presented again, outside any grace period, revokes the whole
   * grant: every refresh and access token issued since the code exchange (RFC 9700 §4.14.2).
   * Default true (no GoTo page says it does not); false: it is refused with invalid_grant and
   * nothing else happens.
   */
  reuseDetection: boolean;
};

export type CreateClientOptions = Partial<RotationSettings> & {
  /** Registered redirect URIs (RFC 6749 §3.1.2). Default `["https://app.example.com/callback"]`. */
  redirectUris?: string[];
  /**
   * The client's scopes, space-separated: an authorization grants those it asked for that
   * the client has (all of them when it asked for none). Default `collab: identity:scim.me`.
   * Changed later (updateClient), it counts for the next authorization only: tokens keep the
   * scopes granted when a person authorized.
   */
  scope?: string;
  /** What the APIs answer an access token without the scope they need. Default: see `ScopeRefusal`. */
  insufficientScope?: InsufficientScopeAnswers;
  /**
   * Default: 24 random alphanumerics, like the real GoTo secrets seen in public (both Basic
   * forms are then the same). Give one holding `+`, `/` or `=` (GoTo's docs' sample is
   * `3naO10IA2agcvG+9I9TGEQ==`) to test the RFC 6749 §2.3.1 form against the plain one.
   */
  clientSecret?: string;
  /** Default: a random UUID, like GoTo's client ids. */
  clientId?: string;
  /** How the token endpoint reads this client's Basic value. Default `form-urlencoded`. */
  basicDecoding?: BasicDecoding;
  /** How the APIs write this client's keys. Default `string`. */
  keyFormat?: KeyFormat;
  /** Answers a real account may give that GoTo does not rule out. Default: none of them. */
  accountAnswers?: AccountAnswers;
  /** What every webinar's registration form has on top of its own. Default: nothing. */
  registrationForm?: RegistrationFormExtras;
};

/**
 * Answers a real account may give where GoTo's documents leave room, each off by default, so
 * that a test can show the collection passes on them (tests/self-test/account-answers.spec.ts).
 */
export type AccountAnswers = {
  /**
   * The user co-organizes another organizer's webinars: the webinar lists (the organizer's and
   * the account's) hold them too, under that organizer's key, as GoTo's v1 docs say an
   * organizer's lists do (rubydoc go_to_webinar 0.2.1). One for each of the user's webinars,
   * an hour earlier to an hour later. The calls by webinar key under the user's own organizer
   * key do not know them (404); under the other organizer's key they are refused (403).
   */
  coOrganized?: boolean;
  /**
   * The order of every list (webinars, sessions, attendees, registrants): `natural` (the
   * default: webinars and sessions by time, registrants as they registered), `reversed`, or
   * `shuffled` (the same on every request, so pages agree). GoTo's OpenAPI defines no order.
   */
  listOrder?: ListOrder;
  /**
   * `organizer-chosen`: getRegistrationFields lists no firstName, lastName or email among its
   * `fields`, "the default fields the organizer has selected" (OpenAPI); createRegistrant
   * still requires the three, as its body's schema does. Default `standard`: it lists them.
   */
  registrationFields?: 'standard' | 'organizer-chosen';
  /**
   * Every registration form asks one more question, optional, of this type, which GoTo's
   * OpenAPI does not list (it lists `multipleChoice` and `shortAnswer`). Default: none.
   */
  unknownQuestionType?: string;
  /**
   * getPerformance's `percentageAttendance`: `share` (the default: attendees per registrant,
   * in percent), `over-100` (past 100; the OpenAPI gives it no maximum) or `absent`.
   */
  percentageAttendance?: 'share' | 'over-100' | 'absent';
};

export type ListOrder = 'natural' | 'reversed' | 'shuffled';

/**
 * - `form-urlencoded`: RFC 6749 §2.3.1, id and secret form-urldecoded after base64.
 * - `none`: the halves taken as they are, like servers that follow GoTo's docs'
 *   `base64(client_id:client_secret)` literally; a `+` or `=` sent encoded then fails.
 */
export type BasicDecoding = 'form-urlencoded' | 'none';

/**
 * How JSON answers write keys: Users/me `id` and account `value`, and in every Webinar answer
 * each key GoTo's OpenAPI types `int64` (`INT64_KEYS` in emulator/key-json.ts: `webinarKey`,
 * `organizerKey`, `accountKey`, `sessionKey`, `registrantKey`, `questionKey`, `answerKey`, …).
 * - `string`: `"webinarKey": "8439885694023999999"`, as GoTo's OpenAPI `Webinar` types them.
 * - `number`: `"webinarKey": 8439885694023999999`, a bare 19-digit JSON number, as its
 *   `WebinarByKey` (`int64`) and its webhook samples have them; `JSON.parse` rounds it.
 * Either way createRegistrant takes `responses[].questionKey`/`answerKey` as JSON integers
 * only, as its `RegistrantQAResponse` types them (`int64`).
 */
export type KeyFormat = 'string' | 'number';

/**
 * Fields and questions added to every webinar's registration form (getRegistrationFields),
 * which createRegistrant then requires as the form says: to test a form the collection cannot
 * fill in. GoTo lets organizers add fields and questions; which ones, the OpenAPI does not list.
 */
export type RegistrationFormExtras = {
  /**
   * OpenAPI `RegistrationField`s. `field` may be one `RegistrantFields` does not list (GoTo may
   * add fields): createRegistrant then reads a body property of that name. `maxSize` default 128.
   */
  fields?: { field: string; required: boolean; maxSize?: number; answers?: string[] }[];
  /**
   * OpenAPI `RegistrationQuestion`s, their `questionKey` and each answer's `answerKey` drawn
   * from the webinar and the question's text. `answers`: the texts of a multipleChoice
   * question's choices; `[]` is a choice question with nothing to choose. `maxSize` default 128.
   */
  questions?: {
    question: string;
    required: boolean;
    type: 'multipleChoice' | 'shortAnswer';
    maxSize?: number;
    answers?: string[];
  }[];
};

/** The emulated APIs that need a scope: Users/me needs `identity:scim.me`, the Webinar API `collab:`. */
export type ScopedRoute = 'users-me' | 'webinars';

/**
 * The answer to a valid access token that lacks the route's scope, sent as it is. GoTo
 * documents neither status nor body. Defaults (emulator/scopes.ts): Users/me 403 with an
 * empty body and `WWW-Authenticate: Bearer error="insufficient_scope",…,scope="identity:scim.me"`
 * (RFC 6750 §3.1); the Webinar API 403 `{"int_err_code":"Forbidden","msg":"…"}`.
 */
export type ScopeRefusal = { status: number; headers?: Record<string, string>; body?: string };

export type InsufficientScopeAnswers = Partial<Record<ScopedRoute, ScopeRefusal>>;

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
  /**
   * Parsed `application/json` body, when there was one, by `JSON.parse`: a number past 2^53
   * is rounded here, so a key sent as a 19-digit number is exact only in `rawBody`.
   */
  json?: unknown;
  /** An `application/json` body as it arrived, character for character. */
  rawBody?: string;
  /**
   * The status the emulator answered with, once it has answered (absent while an answer is
   * held, and for a dropped connection): a check retried after a 401 shows as two requests.
   */
  status?: number;
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
  /** A client's delay (not a Vercel project's) ends early on `releaseHeld`, as a held answer does. */
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
  /** Whether the token endpoint takes it now: current, or rotated out but in its grace period. */
  active: boolean;
  /** The one its grant's client should hold: not rotated out, revoked or expired on the client's clock. */
  current: boolean;
  issuedAt: string;
  expiresAt: string;
  /** For a rotated-out token in its grace period: when that ends. */
  graceEndsAt?: string;
};

export type AccessTokenInfo = {
  token: string;
  /** The scopes granted when the client was authorized, space-separated. */
  scope: string;
  /** False once revoked (RFC 7009 or reuse detection) or expired on the client's clock. */
  active: boolean;
  issuedAt: string;
  expiresAt: string;
};

export type ClientSettings = RotationSettings & {
  basicDecoding: BasicDecoding;
  keyFormat: KeyFormat;
  insufficientScope?: InsufficientScopeAnswers;
  accountAnswers: AccountAnswers;
  registrationForm?: RegistrationFormExtras;
};

/** What `updateClient` changes from the client's next request on; each part optional. */
export type ClientUpdate = Partial<
  RotationSettings & {
    keyFormat: KeyFormat;
    scope: string;
    insufficientScope: InsufficientScopeAnswers;
    registrationForm: RegistrationFormExtras;
    /** Replaces the client's account answers as a whole. */
    accountAnswers: AccountAnswers;
  }
>;

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

/** `env`: POST (create or upsert variables); `list-env`: GET on the same path (list them). */
export type VercelRoute = 'env' | 'list-env' | 'list-deployments' | 'create-deployment' | 'deploy-hook' | 'other';

/** One request to the emulated Vercel API, attributed to the project it names. */
export type VercelReceivedRequest = Received<VercelRoute> & {
  /** The parsed JSON body, when there was one. */
  json?: unknown;
};

/** A canned answer for the project's next request(s) on `route`; as `Fault`, for Vercel. */
export type VercelFault = CannedAnswer<Exclude<VercelRoute, 'other'>>;
