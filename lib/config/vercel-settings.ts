import * as z from 'zod';
import { vercelTargets, type VercelTarget } from '../../requests/vercel-api';
import { readEnvValues } from '../env-file/env-reader';
import { envFilePath, type Env } from './env-target';
import { baseUrl, text } from './setting-schemas';
import { problemsByVariable, type VariableName } from './variables';

export const defaultVercelApiBaseUrl = 'https://api.vercel.com';
export const defaultVercelTargets = ['production', 'preview'] as const satisfies readonly VercelTarget[];

/** `production, Preview` as `['production', 'preview']`: each environment once, at least one. */
const targetList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((target) => target.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.enum(vercelTargets, { error: 'must list only `production`, `preview` or `development`, comma-separated' }),
      )
      .min(1, { error: 'must name at least one environment' }),
  )
  .refine((targets) => new Set(targets).size === targets.length, { error: 'must not name an environment twice' });

const vercelSettingsSchema = z.object({
  token: text,
  projectId: text.regex(/^[^\s/?#]+$/, { error: 'must be a project id or name, without spaces or slashes' }),
  teamId: text.regex(/^[^\s/?#&]+$/, { error: 'must be a team id, without spaces or slashes' }).optional(),
  targets: targetList,
  deployHookUrl: baseUrl.optional(),
  apiBaseUrl: baseUrl,
});
export type VercelSettings = z.infer<typeof vercelSettingsSchema>;

const vercelVariableOf: Record<keyof VercelSettings, VariableName> = {
  token: 'VERCEL_TOKEN',
  projectId: 'VERCEL_PROJECT_ID',
  teamId: 'VERCEL_TEAM_ID',
  targets: 'VERCEL_TARGETS',
  deployHookUrl: 'VERCEL_DEPLOY_HOOK_URL',
  apiBaseUrl: 'VERCEL_API_BASE_URL',
};

/** What `readVercelSettings` found: off (and why), every problem, or the settings. */
export type VercelSettingsRead =
  | { status: 'off'; missing: VariableName[]; source: string }
  | { status: 'invalid'; problems: string[]; source: string }
  | { status: 'on'; settings: VercelSettings; source: string };

/**
 * The Vercel settings, from the environment first, then the env file (they are
 * configuration, like the client settings). Off unless both VERCEL_TOKEN and
 * VERCEL_PROJECT_ID are set; then every other problem is listed, never a value. Kept apart
 * from `loadSettings` (lib/config/goto-settings.ts), so a bad VERCEL_* value never stops the
 * GoTo chain.
 */
export function readVercelSettings(env: Env = process.env): VercelSettingsRead {
  const source = envFilePath(env);
  const file = readEnvValues(source);
  const pick = (name: VariableName) => {
    const value = env[name] || file[name];
    return value === '' || value?.trim() === '' ? undefined : value;
  };
  const missing = (['VERCEL_TOKEN', 'VERCEL_PROJECT_ID'] as const).filter((name) => pick(name) === undefined);
  if (missing.length > 0) return { status: 'off', missing, source };
  const parsed = vercelSettingsSchema.safeParse({
    token: pick('VERCEL_TOKEN'),
    projectId: pick('VERCEL_PROJECT_ID'),
    teamId: pick('VERCEL_TEAM_ID'),
    targets: pick('VERCEL_TARGETS') ?? defaultVercelTargets.join(','),
    deployHookUrl: pick('VERCEL_DEPLOY_HOOK_URL'),
    apiBaseUrl: pick('VERCEL_API_BASE_URL') ?? defaultVercelApiBaseUrl,
  });
  if (parsed.success) return { status: 'on', settings: parsed.data, source };
  return { status: 'invalid', problems: problemsByVariable(parsed.error.issues, vercelVariableOf), source };
}
