import { fingerprint } from '../http/redact';
import type { Env } from '../config/env-target';
import { settingOf, type Settings } from '../config/goto-settings';
import { isStoredKey, variables, type Variable, type VariableName } from '../config/variables';
import { DAY_MS, REFRESH_TOKEN_LIFETIME_DAYS, type AccessState, type RefreshState } from './assess-tokens';
import { scopeSourceText, unknownScopesText, type NeededScope, type ScopeState } from './grant-scopes';
import { storeName, type StoreView } from './grant-in-store';

/**
 * The report's sections and rows, as data: which settings are set (never their values), how
 * long the tokens have left, whose they are and where they are used. lib/status/render-status.ts
 * turns them into text.
 */

export type Tone = 'ok' | 'warn' | 'bad' | 'plain';
/** One line of a section: a label, then columns; the tone colours the first column. */
export type Row = { label: string; cells: string[]; tone: Tone };
export type Section = { title: string; rows: Row[] };

/** What the sections are built from: the settings, where their values came from, and the tokens' states. */
export type LayoutInput = {
  settings: Settings;
  env: Env;
  fileValues: Record<string, string>;
  now: Date;
  access: AccessState;
  refresh: RefreshState;
  scopes: ScopeState;
  /** What the grant store held, when GOTO_GRANT_STORE names one. */
  store?: StoreView;
};

/** `42 min`, `3 h`, `5 days`: rounded down, so a time left is never overstated. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day' : `${days} days`;
}

/** `2026-05-19 10:00 UTC`: one zone for every reader of a CI log. */
export function formatTime(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long ago `time` was, at `now`. */
export function timeSince(time: Date, now: Date): string {
  return formatDuration(now.getTime() - time.getTime());
}

/** How long until `time`, from `now`. */
export function timeUntil(time: Date, now: Date): string {
  return formatDuration(time.getTime() - now.getTime());
}

type Shown = {
  name: VariableName;
  key: keyof Settings;
  kind: NonNullable<Variable['status']>;
  inGrantStore: boolean;
};
/**
 * The variables shown as set or missing, in the catalogue's order, as the catalogue says
 * (lib/config/variables.ts). Secrets are never shown; tokens and the code get the fingerprint
 * that reports and attachments show in their place, so a reader can match them.
 */
const shownVariables: Shown[] = (Object.keys(variables) as VariableName[]).flatMap((name) => {
  const { status: kind, inGrantStore } = variables[name];
  const key = settingOf(name);
  return kind && key ? [{ name, key, kind, inGrantStore: inGrantStore === true }] : [];
});

/** Where loadSettings took a value from, by its rule: the file first for what the collection writes. */
function sourceOf(name: VariableName, env: Env, fileValues: Record<string, string>): string {
  const inFile = Boolean(fileValues[name]);
  const inEnv = Boolean(env[name]);
  if (inFile && (isStoredKey(name) || !inEnv)) return 'env file';
  return inEnv ? 'environment' : '';
}

/** A base URL as shown: never with a user or password, should one have been put in it. */
function hostOf(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

function variablesSection({ settings, env, fileValues, store }: LayoutInput): Section {
  const rows = shownVariables.map(({ name, key, kind, inGrantStore }): Row => {
    const value = settings[key];
    const fromStore = store !== undefined && inGrantStore;
    const source = fromStore ? 'grant store' : sourceOf(name, env, fileValues);
    if (value === undefined) return { label: name, cells: ['missing', fromStore ? source : ''], tone: 'plain' };
    const cells = ['set', source];
    if (kind === 'token') cells.push(fingerprint(String(value)));
    return { label: name, cells, tone: 'ok' };
  });
  return { title: 'Variables', rows };
}

function accessRow(access: AccessState, now: Date): Row {
  const label = 'access token';
  switch (access.state) {
    case 'missing':
      return { label, cells: ['missing', 'written by the next refresh'], tone: 'plain' };
    case 'expiry-unknown':
      return { label, cells: ['expiry unknown', 'GOTO_ACCESS_TOKEN_EXPIRES_AT is not set'], tone: 'warn' };
    case 'valid':
      return {
        label,
        cells: [`valid for ${timeUntil(access.expiresAt, now)}`, `until ${formatTime(access.expiresAt)}`],
        tone: 'ok',
      };
    case 'expired':
      // Normal between runs: access tokens last 60 minutes and each run refreshes first.
      return {
        label,
        cells: [`expired ${timeSince(access.expiresAt, now)} ago`, `at ${formatTime(access.expiresAt)}`],
        tone: 'warn',
      };
  }
}

function refreshRow(refresh: RefreshState, now: Date): Row {
  const label = 'refresh token';
  switch (refresh.state) {
    case 'missing':
      return { label, cells: ['missing', 'written by a code exchange'], tone: 'bad' };
    case 'unknown-age':
      return {
        label,
        cells: ['unknown age', `not a JWT with iat/exp; GoTo's last ${REFRESH_TOKEN_LIFETIME_DAYS} days`],
        tone: 'plain',
      };
    case 'expired':
      return {
        label,
        cells: [
          `expired ${timeSince(refresh.expiresAt, now)} ago`,
          `issued ${timeSince(refresh.issuedAt, now)} ago, expired ${formatTime(refresh.expiresAt)}`,
        ],
        tone: 'bad',
      };
    default: {
      const lifetime = Math.round((refresh.expiresAt.getTime() - refresh.issuedAt.getTime()) / DAY_MS);
      return {
        label,
        cells: [
          `${timeUntil(refresh.expiresAt, now)} left of ${lifetime} days`,
          `issued ${timeSince(refresh.issuedAt, now)} ago, expires ${formatTime(refresh.expiresAt)}`,
        ],
        tone: refresh.state === 'valid' ? 'ok' : 'warn',
      };
    }
  }
}

function tokensSection({ access, refresh, now }: LayoutInput): Section {
  return { title: 'Tokens', rows: [accessRow(access, now), refreshRow(refresh, now)] };
}

/** A value the collection writes after Users/me, or `unknown` until then. */
function writtenAfterUsersMe(label: string, value: string | undefined): Row {
  return { label, cells: [value ?? 'unknown', value ? '' : 'written after Users/me'], tone: 'plain' };
}

function accountSection({ settings }: LayoutInput): Section {
  return {
    title: 'Account',
    rows: [
      writtenAfterUsersMe('principal', settings.principal),
      writtenAfterUsersMe('organizer key', settings.organizerKey),
    ],
  };
}

/**
 * What the grant carries next to what GOTO_SCOPE asks for, then each scope the collection
 * needs: granted or not, asked for or not, and what needs it.
 */
function scopesSection({ scopes, store }: LayoutInput): Section {
  const { granted, asked } = scopes;
  const grantedRow: Row = granted.known
    ? {
        label: 'grant',
        cells: [granted.scopes.join(' ') || 'none', scopeSourceText(granted.from)],
        tone: 'plain',
      }
    : { label: 'grant', cells: ['unknown', unknownScopesText(store !== undefined)], tone: 'plain' };
  const askedRow: Row = asked
    ? { label: 'asked for', cells: [asked.join(' '), 'GOTO_SCOPE, what the authorize URL asks for'], tone: 'plain' }
    : { label: 'asked for', cells: ['every scope of the client', 'GOTO_SCOPE is not set'], tone: 'plain' };
  return { title: 'Scopes', rows: [grantedRow, askedRow, ...scopes.needed.map(neededRow)] };
}

function neededRow({ scope, granted, asked }: NeededScope): Row {
  const askedCell = asked === 'all' ? '' : asked === 'asked' ? 'in GOTO_SCOPE' : 'not in GOTO_SCOPE';
  const calls = scope.calls.length === 1 ? scope.api : `${scope.api}, ${scope.calls.length} calls`;
  return {
    label: scope.scope,
    cells: [granted, askedCell, `${scope.label}: ${calls}`],
    tone: granted === 'missing' || asked === 'not asked' ? 'warn' : granted === 'granted' ? 'ok' : 'plain',
  };
}

function targetSection({ settings, env, fileValues }: LayoutInput): Section {
  const why = env.GOTO_TARGET
    ? 'GOTO_TARGET'
    : settings.target === 'goto'
      ? 'GOTO_CLIENT_ID is set'
      : 'no GOTO_CLIENT_ID';
  const hostRow = (label: string, name: 'GOTO_AUTH_BASE_URL' | 'GOTO_API_BASE_URL', url: string): Row =>
    // playwright.config.ts points both hosts at the emulator it starts, whatever is set.
    settings.target === 'emulator'
      ? { label, cells: ['built-in emulator', '127.0.0.1, a free port chosen per run'], tone: 'plain' }
      : { label, cells: [hostOf(url), sourceOf(name, env, fileValues) || 'default'], tone: 'plain' };
  return {
    title: 'Target',
    rows: [
      { label: 'target', cells: [settings.target, why], tone: 'plain' },
      hostRow('auth host', 'GOTO_AUTH_BASE_URL', settings.authBaseUrl),
      hostRow('API host', 'GOTO_API_BASE_URL', settings.apiBaseUrl),
    ],
  };
}

/** The store, the record's version and state, and who wrote it last, when. */
function storeSection(store: StoreView, now: Date): Section {
  const where: Row = {
    label: 'store',
    cells: [storeName(store), 'GOTO_GRANT_STORE'],
    tone: 'plain',
  };
  const encryption: Row = store.keyId
    ? { label: 'encryption', cells: ['AES-256-GCM', `GOTO_GRANT_STORE_KEY, key ${store.keyId}`], tone: 'ok' }
    : { label: 'encryption', cells: ['none', 'tokens stored in clear: set GOTO_GRANT_STORE_KEY'], tone: 'warn' };
  if (!store.stored) {
    const none: Row = { label: 'grant', cells: ['none stored', 'npm run grant -- move-to-store'], tone: 'bad' };
    return { title: 'Grant store', rows: [where, encryption, none] };
  }
  const { record, version } = store.stored;
  const writtenAt = new Date(record.writtenAt);
  const state: Row =
    record.state === 'ok'
      ? { label: 'state', cells: ['ok'], tone: 'ok' }
      : { label: 'state', cells: ['needs-reauth', 'GoTo refused its refresh token'], tone: 'bad' };
  return {
    title: 'Grant store',
    rows: [
      where,
      encryption,
      { label: 'version', cells: [String(version)], tone: 'plain' },
      state,
      {
        label: 'last written',
        cells: [`${timeSince(writtenAt, now)} ago`, `at ${formatTime(writtenAt)} by ${record.writtenBy}`],
        tone: 'plain',
      },
    ],
  };
}

/** The report's sections, in the order they are printed. */
export function statusSections(input: LayoutInput): Section[] {
  return [
    variablesSection(input),
    ...(input.store ? [storeSection(input.store, input.now)] : []),
    tokensSection(input),
    scopesSection(input),
    accountSection(input),
    targetSection(input),
  ];
}
