import * as z from 'zod';
import type { Env } from '../config/env-target';
import { defaultAuthBaseUrl } from '../config/goto-settings';
import { baseUrl, text } from '../config/setting-schemas';
import { problemsByVariable, variableProblem, type VariableName } from '../config/variables';
import { ConfigError } from '../errors';

/**
 * What the broker needs, from the app's environment alone: an app on Vercel has no env file,
 * and an app that has one loads it itself (SvelteKit's `$env`, dotenv). The grant's tokens are
 * the store's, never a variable's.
 */
const brokerSettingsSchema = z.object({
  clientId: text.regex(/^\S+$/, { error: 'must not contain spaces' }),
  clientSecret: text,
  authBaseUrl: baseUrl,
});
export type BrokerSettings = z.infer<typeof brokerSettingsSchema>;

const variableOf: Record<keyof BrokerSettings, VariableName> = {
  clientId: 'GOTO_CLIENT_ID',
  clientSecret: 'GOTO_CLIENT_SECRET',
  authBaseUrl: 'GOTO_AUTH_BASE_URL',
};

/** The broker's settings; every problem, missing or invalid, in one ConfigError, no value in it. */
export function brokerSettings(env: Env): BrokerSettings {
  const value = (name: VariableName) => (env[name]?.trim() ? env[name] : undefined);
  const raw = {
    clientId: value('GOTO_CLIENT_ID'),
    clientSecret: value('GOTO_CLIENT_SECRET'),
    authBaseUrl: value('GOTO_AUTH_BASE_URL') ?? defaultAuthBaseUrl,
  };
  const parsed = brokerSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const missing = (Object.keys(variableOf) as (keyof BrokerSettings)[]).filter((key) => raw[key] === undefined);
  const problems = [
    ...missing.map((key) => variableProblem(variableOf[key], 'is not set')),
    ...problemsByVariable(
      parsed.error.issues.filter((issue) => !missing.includes(issue.path[0] as keyof BrokerSettings)),
      variableOf,
    ),
  ];
  throw new ConfigError(problems, undefined);
}
