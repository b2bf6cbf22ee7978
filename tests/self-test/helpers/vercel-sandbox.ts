import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { VercelReceivedRequest } from '../../../emulator/control-client';
import type { Env } from '../../../lib/config/env-target';
import { expect, stepSender, syncToVercel, test, type EmulatorControl } from '../fixtures';
import { expectedFingerprint } from './fingerprints';

/*
 * A Vercel project of its own in the emulated Vercel for each test of the Vercel sync
 * (vercel-sync-*.spec.ts), an env file holding GoTo values shaped like real ones, and what
 * those tests expect, written out from docs/vercel.md, not taken from lib/vercel.
 */

export type CreateVercelProjectOptions = Parameters<EmulatorControl['createVercelProject']>[0];
export type EmulatorVercelProject = Awaited<ReturnType<EmulatorControl['createVercelProject']>>;
/** The four values the sync saves, in the order it sends them (docs/vercel.md): written out, not taken from lib/vercel. */
export const syncedKeys = ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN'] as const;
/** The values a running app cannot renew by itself: a change in one redeploys (docs/vercel.md). */
export const redeployKeys = ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_REFRESH_TOKEN'] as const;
/** The plain variable that records what the last redeploy was given (docs/vercel.md). */
export const syncRecordKey = 'GOTO_TOKEN_RUNNER_SYNCED';
export type SyncedValues = Record<(typeof syncedKeys)[number], string>;
export type SentVariable = { key: string; value: string; type: string; target: string[] };

export type VercelSetup = { project: EmulatorVercelProject; envFile: string; env: Env; values: SyncedValues };

/** A Vercel project in the emulator and an env file holding GoTo values shaped like real ones. */
export async function vercelSandbox(
  emulator: EmulatorControl,
  options: CreateVercelProjectOptions = {},
  overrides: Env = {},
): Promise<VercelSetup> {
  const project = await emulator.createVercelProject(options);
  const jwtLike = () =>
    'eyJraWQiOiJvYXV0aHYyLmxtaS5jb20uMDIxOSIsImFsZyI6IlJTNTEyIn0.' +
    `${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
  const values: SyncedValues = {
    GOTO_CLIENT_ID: randomUUID(),
    // GoTo's secrets are base64, with "+", "/" and "=": they must reach Vercel unchanged.
    GOTO_CLIENT_SECRET: `${randomBytes(15).toString('base64')}+/=`,
    GOTO_ACCESS_TOKEN: jwtLike(),
    GOTO_REFRESH_TOKEN: jwtLike(),
  };
  const envFile = test.info().outputPath('vercel.env');
  await writeFile(
    envFile,
    [
      '# GoTo values the chain wrote',
      ...Object.entries(values).map(([key, value]) => `${key}=${value}`),
      'GOTO_ACCESS_TOKEN_EXPIRES_AT=2030-01-01T10:00:00.000Z',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env: Env = {
    GOTO_TARGET: 'goto',
    GOTO_ENV_FILE: envFile,
    VERCEL_TOKEN: project.token,
    VERCEL_PROJECT_ID: project.projectId,
    VERCEL_API_BASE_URL: emulator.baseUrl,
    ...(project.teamId ? { VERCEL_TEAM_ID: project.teamId } : {}),
    ...(project.deployHookUrl ? { VERCEL_DEPLOY_HOOK_URL: project.deployHookUrl } : {}),
    ...overrides,
  };
  return { project, envFile, env, values };
}

/** The secrets of a setup, by label, for `findSecrets` and message checks. */
export function secretsOf(setup: VercelSetup): Record<string, string> {
  const hookId = setup.project.deployHookUrl?.split('/').at(-1);
  return { ...setup.values, VERCEL_TOKEN: setup.project.token, ...(hookId ? { 'deploy hook id': hookId } : {}) };
}

export const fast = { backoffBaseMs: 1 };

/** The upserts of the GoTo values, without those of the sync's record. */
export function valueUpserts(received: VercelReceivedRequest[]): VercelReceivedRequest[] {
  return received.filter(
    (request) => request.route === 'env' && !(request.json as SentVariable[]).some(({ key }) => key === syncRecordKey),
  );
}

/** The upserts of the record of a redeploy. */
export function recordUpserts(received: VercelReceivedRequest[]): VercelReceivedRequest[] {
  return received.filter(
    (request) => request.route === 'env' && (request.json as SentVariable[]).some(({ key }) => key === syncRecordKey),
  );
}

/** The record the sync should leave for these values, written out from the fingerprints reports show. */
export function recordOf(values: SyncedValues): string {
  return redeployKeys.map((key) => `${key}=${expectedFingerprint(values[key])}`).join(',');
}

/** Replaces one value in the setup's env file, as a run of the chain would, and returns the new one. */
export async function replaceValue(setup: VercelSetup, key: keyof SyncedValues): Promise<string> {
  const old = setup.values[key];
  const replacement = `${old.slice(0, -8)}${randomBytes(6).toString('base64url')}`;
  await writeFile(setup.envFile, (await readFile(setup.envFile, 'utf8')).replace(old, replacement));
  setup.values[key] = replacement;
  return replacement;
}

/** Requests the sync may make to redeploy: the deploy hook, or the deployments API. */
export const redeployRoutes = ['deploy-hook', 'list-deployments', 'create-deployment'];

/** The reports of the list of variables of two syncs, the second after a new access token. */
export async function listingReports(emulator: EmulatorControl, otherVariable: { key: string; value: string }) {
  const setup = await vercelSandbox(emulator, {
    env: [{ ...otherVariable, type: 'plain', target: ['production', 'preview'] }],
  });
  const send = stepSender(fast);
  await syncToVercel(send, setup.env);
  await replaceValue(setup, 'GOTO_ACCESS_TOKEN');
  await syncToVercel(send, setup.env);
  const listings = test
    .info()
    .attachments.filter((attachment) => attachment.name.includes('GET /v10/projects/'))
    .map((attachment) => attachment.body?.toString('utf8') ?? '');
  expect(listings, 'one listing per sync').toHaveLength(2);
  return { setup, listings };
}
