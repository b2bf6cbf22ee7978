/**
 * For the tests of the tools around the grant store (`npm run status` and `npm run grant`
 * with GOTO_GRANT_STORE): the real servers of store-servers.ts, a look at what a store holds
 * for a grant (record and lease, every byte), the scripts run as child processes, and
 * JWT-shaped tokens whose claims status reads.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createClient } from '@redis/client';
import { Client } from 'pg';
import { expect } from '../fixtures';
import type { Env } from '../../../lib/config/env-target';
import type { GrantRecord } from '../../../lib/grant-store/grant-record';
import { openGrantStore } from '../../../lib/grant-store/open-grant-store';
import { redisKeys } from '../../../lib/grant-store/redis-driver';
import { bundledScript, bundleNodePath } from '../../../lib/script-bundle';
import { childEnv, repositoryRoot } from './child-env';
import { answeringStoreEnv, sharedPostgresUrl, sharedRedisUrl, testServerPassword, uniqueGrant } from './store-servers';

export type Backend = { name: 'redis' | 'postgres'; url: () => Promise<string> };

/** Every test of these tools runs on both servers. */
export const backends: Backend[] = [
  { name: 'redis', url: sharedRedisUrl },
  { name: 'postgres', url: sharedPostgresUrl },
];

/** A key for GOTO_GRANT_STORE_KEY, distinctive so a test can look for it in output. */
export const testStoreKey = Buffer.alloc(32, 0x5c).toString('base64');

/** A grant of the test's own in a shared server: the environment a holder of it has. */
export async function sealedGrantEnv(backend: Backend, extra: Env = {}): Promise<Env> {
  return {
    ...answeringStoreEnv(await backend.url()),
    GOTO_GRANT_STORE_KEY: testStoreKey,
    GOTO_GRANT_NAME: uniqueGrant(),
    ...extra,
  };
}

/**
 * What the store holds for the grant of `env`, its record and its lease, as text: compared
 * before and after, never printed. Empty when it holds nothing.
 */
export async function rawGrant(backend: Backend, env: Env): Promise<string> {
  const grant = env.GOTO_GRANT_NAME ?? 'default';
  const url = env.GOTO_GRANT_STORE ?? '';
  if (backend.name === 'redis') {
    const client = createClient({ url, RESP: 2 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const [record, lease] = redisKeys(grant);
      return JSON.stringify([Object.entries(await client.hGetAll(record)).sort(), await client.get(lease)]);
    } finally {
      client.destroy();
    }
  }
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client
      .query('SELECT row_to_json(g)::text AS row FROM goto_grants g WHERE grant_id = $1', [grant])
      .catch((error: { code?: string }) => {
        if (error.code === '42P01') return { rows: [] };
        throw error;
      });
    return (rows[0] as { row?: string } | undefined)?.row ?? '';
  } finally {
    await client.end();
  }
}

/** Writes `record` as the grant's next version, as a holder would. */
export async function storeGrant(env: Env, record: GrantRecord): Promise<number> {
  const store = await openGrantStore(env);
  try {
    const current = await store.read();
    const outcome = await store.commit(current?.version ?? 0, record);
    if (!outcome.committed) throw new Error(`the test could not store its grant: ${outcome.reason}`);
    return outcome.version;
  } finally {
    await store.close();
  }
}

/** Reads the grant back through the grant store, as every holder would. */
export async function readGrant(env: Env) {
  const store = await openGrantStore(env);
  try {
    return await store.read();
  } finally {
    await store.close();
  }
}

export type ScriptRun = { exitCode: number | null; stdout: string; stderr: string };

/**
 * Runs `scripts/<name>.ts` as `npm run <name>` does, bundled (lib/script-bundle.ts), with PATH
 * and the given variables only: an explicit GOTO_TARGET and a scratch env file (childEnv).
 */
export function runScript(
  name: 'status' | 'grant',
  env: Env,
  args: string[] = [],
  options: { onStderr?: (soFar: string) => void } = {},
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bundledScript(path.join(repositoryRoot, 'scripts', `${name}.ts`)), ...args],
      {
        cwd: repositoryRoot,
        env: childEnv({ NODE_PATH: bundleNodePath(), GOTO_TARGET: 'goto', ...env }, { base: 'path' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/**
 * Neither a token (nor a part of a JWT-shaped one), nor the store's password, nor its key
 * is in what the script printed.
 */
export function expectNoSecret(run: ScriptRun, tokens: (string | null | undefined)[]) {
  const secrets: [string, string][] = [
    ['the store password', testServerPassword],
    ['GOTO_GRANT_STORE_KEY', testStoreKey],
    ...tokens.flatMap((token, i): [string, string][] =>
      token
        ? [token, ...(token.split('.').length === 3 ? token.split('.').slice(1) : [])].map((piece) => [
            `token ${i} (or a part of it)`,
            piece,
          ])
        : [],
    ),
  ];
  for (const [name, secret] of secrets) {
    expect(run.stdout.includes(secret) || run.stderr.includes(secret), `${name} is never printed`).toBe(false);
  }
}

/** A JWT-shaped token as GoTo issues them, with a random signature so each is a distinct secret. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ kid: 'oauthv2.lmi.com.0219', alg: 'RS512' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

export const DAY = 24 * 60 * 60 * 1000;
const epoch = (time: number) => Math.floor(time / 1000);

/** A refresh token issued `ageMs` before now, lasting GoTo's 30 days. */
export function refreshToken(ageMs: number): string {
  const iat = epoch(Date.now() - ageMs);
  return jwt({ typ: 'r', iat, exp: iat + 30 * 24 * 3600, sc: 'identity:scim.me collab:' });
}

/** An access token expiring `inMs` from now. */
export function accessToken(inMs: number): string {
  return jwt({ typ: 'a', exp: epoch(Date.now() + inMs), sc: 'identity:scim.me collab:' });
}

/** A grant record with JWT-shaped tokens: the refresh token `ageMs` old, the access token valid for `accessMs`. */
export function jwtGrant(options: { ageMs: number; accessMs: number; writtenAgoMs?: number }): GrantRecord {
  const access = accessToken(options.accessMs);
  return {
    refreshToken: refreshToken(options.ageMs),
    accessToken: access,
    accessTokenExpiresAt: new Date(Date.now() + options.accessMs).toISOString(),
    principal: 'organizer@example.com',
    organizerKey: '8439885694023999999',
    scopes: 'identity:scim.me collab:',
    state: 'ok',
    writtenBy: 'ci-runner-7/4242/run-17/0a1b2c3d',
    writtenAt: new Date(Date.now() - (options.writtenAgoMs ?? 3 * 60 * 60 * 1000)).toISOString(),
  };
}
