import type * as z from 'zod';
import { developerCenterUrl, gotoApiHost, gotoAuthHost } from '../../requests/goto-hosts';

/** What the catalogue says of one variable. */
export type Variable = {
  /** What it is for, and where to get it: what messages about it say, never its value. */
  what: string;
  where: string;
  /**
   * How `npm run status` lists it (lib/status/status-layout.ts), as set or missing: `setting`
   * and nothing more, a `secret` only as set, a `token` with its fingerprint (the one reports
   * show). Variables without it are not listed.
   */
  status?: 'setting' | 'secret' | 'token';
  /** Kept in the grant store in place of the env file when GOTO_GRANT_STORE names one. */
  inGrantStore?: true;
};

/**
 * Every variable the project reads, what it is for and where to get it: the one catalogue.
 * Messages about a variable quote this; they never quote its value. The Variables table of
 * the user's documentation lists the same names (variables-table.spec.ts holds them equal).
 */
const catalogue = {
  GOTO_CLIENT_ID: {
    what: 'the OAuth client id (a UUID)',
    where: `your OAuth client at ${developerCenterUrl}`,
    status: 'setting',
  },
  GOTO_CLIENT_SECRET: {
    what: 'the OAuth client secret',
    where: `shown once when the client is created at ${developerCenterUrl} ` + '(create a new one if it is lost)',
    status: 'secret',
  },
  GOTO_REDIRECT_URI: {
    what: 'a redirect URI registered on the OAuth client',
    where: `the client’s page at ${developerCenterUrl}`,
    status: 'setting',
  },
  GOTO_AUTH_CODE: {
    what: 'a one-time authorization code, or the whole redirect URL holding it',
    where:
      'log in at the URL that `npm run authorize-url` prints and copy it from the address bar ' +
      '(it lasts 10 minutes)',
    status: 'token',
  },
  GOTO_ACCESS_TOKEN: {
    what: 'the current access token',
    where: 'written by the collection',
    status: 'token',
    inGrantStore: true,
  },
  GOTO_ACCESS_TOKEN_EXPIRES_AT: {
    what: 'when the access token expires (ISO time)',
    where: 'written by the collection',
    status: 'setting',
    inGrantStore: true,
  },
  GOTO_GRANTED_SCOPE: {
    what: 'the scopes GoTo granted, space-separated, as its last token answer with a `scope` said',
    where: 'written by the collection',
    status: 'setting',
    inGrantStore: true,
  },
  GOTO_REFRESH_TOKEN: {
    what: 'the refresh token',
    where: 'written by the collection after a code exchange (set GOTO_AUTH_CODE once)',
    status: 'token',
    inGrantStore: true,
  },
  GOTO_PRINCIPAL: {
    what: 'the account the tokens belong to (an email)',
    where: 'written by the collection',
    status: 'setting',
    inGrantStore: true,
  },
  GOTO_ORGANIZER_KEY: {
    what: 'the organizer key (the `id` of Users/me)',
    where: 'written by the collection',
    status: 'setting',
    inGrantStore: true,
  },
  GOTO_SCOPE: {
    what: 'the scopes the authorize URL asks for, space-separated (`identity:scim.me collab:`); the checks need both',
    where: 'default: none asked, and GoTo grants every scope the OAuth client has',
  },
  GOTO_AUTH_BASE_URL: { what: 'the OAuth server', where: `default https://${gotoAuthHost}` },
  GOTO_API_BASE_URL: { what: 'the GoTo API host', where: `default https://${gotoApiHost}` },
  GOTO_ENV_FILE: { what: 'the env file read and written', where: 'default .env' },
  GOTO_TARGET: { what: '`emulator` or `goto`', where: 'default: goto when GOTO_CLIENT_ID is set, else emulator' },
  GOTO_PKCE: { what: '`on` to add a PKCE S256 challenge to browser logins (RFC 7636)', where: 'default off' },
  GOTO_LOGIN_TIMEOUT: {
    what: 'how long the authorize project waits for you to log in, in seconds or with a unit (`90s`, `5m`)',
    where: 'default 5m',
  },
  GOTO_LOCK_TIMEOUT: {
    what:
      'how long a token request waits for another run that holds the env file, ' +
      'in seconds or with a unit (`90s`, `3m`)',
    where: 'default 3m',
  },
  GOTO_GRANT_STORE: {
    what: 'where the grant is kept: a redis://, rediss://, postgres:// or postgresql:// URL; never printed (it holds a password)',
    where: 'your Redis (Upstash, Vercel KV) or PostgreSQL (Neon, Supabase) connection URL; unset: the env file',
  },
  GOTO_GRANT_STORE_KEY: {
    what: '32 bytes in base64 that encrypt the tokens in the grant store, the same for every holder',
    where: 'make one with `openssl rand -base64 32`; unset: tokens stored in clear',
  },
  GOTO_TOKEN_REQUESTS: {
    what: '`off`: the run sends no token request (CI shards after a refresh job) and uses the stored access token',
    where: 'default on',
  },
  GOTO_GRANT_NAME: {
    what: 'the grant’s name in the store, for one store holding several grants (letters, digits, `_`, `.`, `:`, `-`)',
    where: 'default `default`; read from the environment only',
  },
  GOTO_GRANT_STORE_TIMEOUT: {
    what:
      'how long a holder waits for the grant store to connect, and for each of its operations, ' +
      'in seconds or with a unit (`10s`, `1m`)',
    where: 'default 5s; read from the environment only',
  },
  GOTO_REFRESH_WARN_DAYS: {
    what: '`npm run status` warns (and with `--strict` fails) when the refresh token has fewer days left than this',
    where: 'default 7',
  },
  GOTO_TEST_REDIS_URL: {
    what: 'a Redis server the grant store’s tests share instead of starting one per worker (a test that stops, fences or encrypts its server still starts its own)',
    where: 'unset: each worker starts one',
  },
  GOTO_TEST_POSTGRES_URL: {
    what: 'a PostgreSQL server the grant store’s tests share instead of starting one per worker (a test that stops, fences or encrypts its server still starts its own)',
    where: 'unset: each worker starts one',
  },
  CHROMIUM_PATH: {
    what: 'the Chromium for browser steps',
    where: 'unset: Playwright’s own (`npx playwright install chromium`), else a system Chromium at a usual path',
  },
  VERCEL_TOKEN: {
    what: 'a Vercel access token that may read and edit the project’s environment variables and deploy it',
    where: 'create one at https://vercel.com/account/tokens, scoped to the team that owns the project',
  },
  VERCEL_PROJECT_ID: {
    what: 'the Vercel project’s id (`prj_…`) or name',
    where: 'Project → Settings → General → Project ID',
  },
  VERCEL_TEAM_ID: {
    what: 'the id of the Vercel team that owns the project (`team_…`); leave it unset for a personal account',
    where: 'Team → Settings → General → Team ID',
  },
  VERCEL_TARGETS: {
    what: 'the Vercel environments to update, comma-separated: `production`, `preview`, `development`',
    where: 'default production,preview',
  },
  VERCEL_DEPLOY_HOOK_URL: {
    what: 'a deploy hook of the project, POSTed to redeploy it; it is a credential, never printed',
    where:
      'Project → Settings → Git → Deploy Hooks; ' +
      'unset: the latest production deployment is redeployed through the API',
  },
  VERCEL_API_BASE_URL: { what: 'the Vercel API host', where: 'default https://api.vercel.com' },
} satisfies Record<string, Variable>;
export type VariableName = keyof typeof catalogue;
export const variables: Readonly<Record<VariableName, Variable>> = catalogue;

/** The keys the collection writes; for these the env file wins over the process environment. */
export const storedKeys = [
  'GOTO_AUTH_CODE',
  'GOTO_ACCESS_TOKEN',
  'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  'GOTO_GRANTED_SCOPE',
  'GOTO_REFRESH_TOKEN',
  'GOTO_PRINCIPAL',
  'GOTO_ORGANIZER_KEY',
] as const satisfies readonly VariableName[];

/** Whether the collection writes this key, so that the env file's value wins. */
export function isStoredKey(name: string): boolean {
  return (storedKeys as readonly string[]).includes(name);
}

/** One problem with a variable, as people read it: its name, the problem, what it is for and where to get it. */
export function variableProblem(name: VariableName, problem: string): string {
  return `${name} ${problem} (${variables[name].what}; ${variables[name].where})`;
}

/**
 * The problems of a failed parse, one per variable: the first check it fails says enough.
 * zod's issues leave the input out, so no value reaches a message.
 */
export function problemsByVariable<K extends string>(
  issues: readonly z.core.$ZodIssue[],
  variableOf: Record<K, VariableName>,
): string[] {
  const problems = new Map<VariableName, string>();
  for (const issue of issues) {
    const name = variableOf[issue.path[0] as K];
    if (!problems.has(name)) problems.set(name, variableProblem(name, issue.message));
  }
  return [...problems.values()];
}
