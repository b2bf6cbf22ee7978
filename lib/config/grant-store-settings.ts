import type { Env } from './env-target';

/**
 * The grant store's own variables: where the grant is kept (GOTO_GRANT_STORE, a URL with a
 * password), the key its tokens are sealed with (GOTO_GRANT_STORE_KEY) and the grant's name
 * in the store (GOTO_GRANT_NAME). Read as the other settings are: the environment first, then
 * the env file (dotenv's rule), so a laptop may keep them in its `.env` and CI in secrets.
 * None of them is ever printed.
 */
export const grantStoreVariables = ['GOTO_GRANT_STORE', 'GOTO_GRANT_STORE_KEY', 'GOTO_GRANT_NAME'] as const;

/** `env` with the grant store's variables filled in from the env file where the environment has none. */
export function withGrantStoreSettings(env: Env, fileValues: Record<string, string>): Env {
  const merged: Env = { ...env };
  for (const name of grantStoreVariables) {
    if (!env[name]?.trim() && fileValues[name]?.trim()) merged[name] = fileValues[name];
  }
  return merged;
}

/** Whether GOTO_GRANT_STORE names a store (unset or blank: the env file holds the grant, as before). */
export function usesGrantStore(env: Env): boolean {
  return Boolean(env.GOTO_GRANT_STORE?.trim());
}

/** Where GOTO_GRANT_STORE was read from, for messages. */
export function grantStoreSource(env: Env): 'environment' | 'env file' {
  return env.GOTO_GRANT_STORE?.trim() ? 'environment' : 'env file';
}
