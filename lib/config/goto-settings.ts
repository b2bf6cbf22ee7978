import * as z from 'zod';
import { ConfigError, isGotoRunnerError } from '../errors';
import { readEnvValues } from '../env-file/env-reader';
import { normalizeAuthCode } from '../goto/auth-code';
import { envFilePath, grantStoreSelected, resolveTarget, type Env } from './env-target';
import { baseUrl, duration, scopeList, text } from './setting-schemas';
import { isStoredKey, problemsByVariable, variableProblem, type VariableName } from './variables';
import { gotoApiHost, gotoAuthHost } from '../../requests/goto-hosts';

export const defaultAuthBaseUrl = `https://${gotoAuthHost}`;
export const defaultApiBaseUrl = `https://${gotoApiHost}`;

const settingsSchema = z.object({
  target: z.enum(['emulator', 'goto'], { error: 'must be `emulator` or `goto`' }),
  envFile: z.string(),
  clientId: text.regex(/^\S+$/, { error: 'must not contain spaces' }).optional(),
  clientSecret: text.optional(),
  redirectUri: z.url({ error: 'must be an absolute URL' }).optional(),
  scope: scopeList.optional(),
  authCode: text.transform(normalizeAuthCode).optional(),
  accessToken: text.optional(),
  accessTokenExpiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
  /** As GoTo wrote it: not checked as GOTO_SCOPE is, so that no answer of GoTo's can make the settings invalid. */
  grantedScope: text.optional(),
  refreshToken: text.optional(),
  principal: text.optional(),
  organizerKey: z.string().regex(/^\d+$/, { error: 'must be digits' }).optional(),
  authBaseUrl: baseUrl,
  apiBaseUrl: baseUrl,
  pkce: z
    .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be `on` or `off`' })
    .transform((value) => ['on', 'true', '1'].includes(value)),
  loginTimeoutMs: duration,
  lockTimeoutMs: duration,
});
export type Settings = z.infer<typeof settingsSchema>;

/** Which setting each variable feeds, for messages. */
const variableOf: Record<keyof Settings, VariableName> = {
  target: 'GOTO_TARGET',
  envFile: 'GOTO_ENV_FILE',
  clientId: 'GOTO_CLIENT_ID',
  clientSecret: 'GOTO_CLIENT_SECRET',
  redirectUri: 'GOTO_REDIRECT_URI',
  scope: 'GOTO_SCOPE',
  authCode: 'GOTO_AUTH_CODE',
  accessToken: 'GOTO_ACCESS_TOKEN',
  accessTokenExpiresAt: 'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  grantedScope: 'GOTO_GRANTED_SCOPE',
  refreshToken: 'GOTO_REFRESH_TOKEN',
  principal: 'GOTO_PRINCIPAL',
  organizerKey: 'GOTO_ORGANIZER_KEY',
  authBaseUrl: 'GOTO_AUTH_BASE_URL',
  apiBaseUrl: 'GOTO_API_BASE_URL',
  pkce: 'GOTO_PKCE',
  loginTimeoutMs: 'GOTO_LOGIN_TIMEOUT',
  lockTimeoutMs: 'GOTO_LOCK_TIMEOUT',
};

/** The setting a variable feeds, when it feeds one (GOTO_CLIENT_ID → `clientId`). */
export function settingOf(name: VariableName): keyof Settings | undefined {
  return (Object.keys(variableOf) as (keyof Settings)[]).find((key) => variableOf[key] === name);
}

/**
 * Configuration comes from the environment first (dotenv's rule: what is already set wins);
 * the keys the collection writes come from the file first, because the file is where it
 * keeps them. Empty is unset.
 */
function pickerOf(env: Env, file: Record<string, string>): (name: VariableName) => string | undefined {
  return (name) => {
    const value = isStoredKey(name) ? file[name] || env[name] : env[name] || file[name];
    return value === '' ? undefined : value;
  };
}

/** What the schema parses: each setting's raw value, or its default. */
function rawSettings(env: Env, envFile: string, file: Record<string, string>) {
  const pick = pickerOf(env, file);
  return {
    target: resolveTarget(env, file),
    envFile,
    clientId: pick('GOTO_CLIENT_ID'),
    clientSecret: pick('GOTO_CLIENT_SECRET'),
    redirectUri: pick('GOTO_REDIRECT_URI'),
    scope: pick('GOTO_SCOPE'),
    authCode: pick('GOTO_AUTH_CODE'),
    accessToken: pick('GOTO_ACCESS_TOKEN'),
    accessTokenExpiresAt: pick('GOTO_ACCESS_TOKEN_EXPIRES_AT'),
    grantedScope: pick('GOTO_GRANTED_SCOPE'),
    refreshToken: pick('GOTO_REFRESH_TOKEN'),
    principal: pick('GOTO_PRINCIPAL'),
    organizerKey: pick('GOTO_ORGANIZER_KEY'),
    authBaseUrl: pick('GOTO_AUTH_BASE_URL') ?? defaultAuthBaseUrl,
    apiBaseUrl: pick('GOTO_API_BASE_URL') ?? defaultApiBaseUrl,
    pkce: pick('GOTO_PKCE')?.toLowerCase() ?? 'off',
    loginTimeoutMs: pick('GOTO_LOGIN_TIMEOUT') ?? '5m',
    lockTimeoutMs: pick('GOTO_LOCK_TIMEOUT') ?? '3m',
  };
}

/**
 * Reads the settings from the environment and the env file, validated (see `pickerOf` for
 * which one wins). Invalid values throw one ConfigError listing every problem; missing ones
 * are for `requireSettings` to report, as what is needed depends on the step.
 */
export function loadSettings(env: Env = process.env): Settings {
  const envFile = envFilePath(env);
  const parsed = settingsSchema.safeParse(rawSettings(env, envFile, readEnvValues(envFile)));
  if (parsed.success) return parsed.data;
  throw new ConfigError(problemsByVariable(parsed.error.issues, variableOf), envFile);
}

type Needed =
  'clientId' | 'clientSecret' | 'redirectUri' | 'authCode' | 'refreshToken' | 'accessToken' | 'organizerKey';
export type SettingsWith<K extends Needed> = Settings & Required<Pick<Settings, K>>;

/** Checks that a step has every setting it needs, listing all that are missing at once. */
export function requireSettings<K extends Needed>(settings: Settings, needed: readonly K[]): SettingsWith<K> {
  const missing = needed.filter((key) => settings[key] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((key) => variableProblem(variableOf[key], 'is not set')),
      settings.envFile,
    );
  }
  return settings as SettingsWith<K>;
}

/**
 * What the daily chain against GoTo needs before its first request: the client, and either
 * a code to exchange (with its redirect URI) or a stored refresh token; with the browser
 * login in the run (`authorizing`), the client and its redirect URI, as the login brings the
 * tokens. Every problem, missing or invalid, in one list.
 */
export function collectionProblems(
  env: Env,
  options: { authorizing?: boolean } = {},
): { problems: string[]; source: string } {
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (isGotoRunnerError(error, 'ConfigError')) return { problems: [...error.problems], source: envFilePath(env) };
    throw error;
  }
  // With a grant store, the refresh token is the store's: the custody says when it has none.
  const needed: Needed[] =
    settings.authCode || options.authorizing
      ? ['clientId', 'clientSecret', 'redirectUri']
      : grantStoreSelected(env)
        ? ['clientId', 'clientSecret']
        : ['clientId', 'clientSecret', 'refreshToken'];
  try {
    requireSettings(settings, needed);
    return { problems: [], source: settings.envFile };
  } catch (error) {
    if (isGotoRunnerError(error, 'ConfigError')) return { problems: [...error.problems], source: settings.envFile };
    throw error;
  }
}
