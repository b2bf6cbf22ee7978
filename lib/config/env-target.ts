import path from 'node:path';

/** The process environment, or a stand-in for it in tests: names to values, any unset. */
export type Env = Record<string, string | undefined>;

/** The env file's path: GOTO_ENV_FILE, else `.env`, relative to the working folder. */
export function envFilePath(env: Env): string {
  return path.resolve(env.GOTO_ENV_FILE || '.env');
}

/** GOTO_TARGET, else `goto` when a client id is configured anywhere, else `emulator`. */
export function resolveTarget(env: Env, fileValues: Record<string, string>): string {
  return env.GOTO_TARGET || (env.GOTO_CLIENT_ID || fileValues.GOTO_CLIENT_ID ? 'goto' : 'emulator');
}

/** Whether GOTO_GRANT_STORE names a grant store: then the tokens are the store's, not the env file's. */
export function grantStoreSelected(env: Env): boolean {
  return !!env.GOTO_GRANT_STORE?.trim();
}
