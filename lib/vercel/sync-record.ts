import type { ListedEnvVariable, VercelTarget } from '../../requests';
import { fingerprint } from '../http/redact';

/**
 * When the Vercel sync redeploys. Vercel applies changed variables only to new deployments
 * ("Changes to environment variables are not applied to previous deployments",
 * https://vercel.com/docs/environment-variables/managing-environment-variables), so a
 * redeploy is needed when a value changed that the running app cannot get by itself: the
 * client id, the client secret, the refresh token. The access token it gets by refreshing;
 * a sync that only brings a new one updates the variables for the next deployment and leaves
 * the running one alone, so a daily run does not rebuild production every day.
 *
 * Sensitive variables cannot be read back, so what was last synced is kept beside them: one
 * plain variable holding a fingerprint of each of those values (lib/http/redact.ts, the ones
 * reports show), saved only once a redeploy with them succeeded. A sync whose redeploy
 * failed leaves the old record, and the next sync redeploys again.
 */

/** The values a redeploy is for: the app cannot renew them by itself. */
export const redeployKeys = ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_REFRESH_TOKEN'] as const;
export type RedeployKey = (typeof redeployKeys)[number];

/** The plain Vercel variable that records the last sync that redeployed. No secret: fingerprints only. */
export const syncRecordKey = 'GOTO_TOKEN_RUNNER_SYNCED';

/** A fingerprint of each value a redeploy is for. */
export type SyncRecord = Record<RedeployKey, string>;

export function syncRecordOf(values: Record<RedeployKey, string>): SyncRecord {
  return Object.fromEntries(redeployKeys.map((key) => [key, fingerprint(values[key])])) as SyncRecord;
}

/** `GOTO_CLIENT_ID=sha256:…,GOTO_CLIENT_SECRET=sha256:…,GOTO_REFRESH_TOKEN=sha256:…`: readable in Vercel's dashboard. */
export function formatSyncRecord(record: SyncRecord): string {
  return redeployKeys.map((key) => `${key}=${record[key]}`).join(',');
}

/** The record a variable's value holds; undefined for anything else (edited by hand, cut short). */
export function parseSyncRecord(text: string | undefined): SyncRecord | undefined {
  if (text === undefined) return undefined;
  const entries = new Map(
    text.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const record = Object.fromEntries(redeployKeys.map((key) => [key, entries.get(key)]));
  return redeployKeys.every((key) => /^sha256:[0-9a-f]{12}$/.test(record[key] ?? ''))
    ? (record as SyncRecord)
    : undefined;
}

/** One environment's record of the last sync, as the list of variables answered it. */
export type TargetRecord = { target: VercelTarget; record: SyncRecord | undefined };

/**
 * Each environment's record from the project's variables: the plain `syncRecordKey` of that
 * environment (not one for a Git branch). Missing, not plain (so without its value) or not
 * a record: undefined, which counts as no earlier sync.
 */
export function recordsOf(envs: readonly ListedEnvVariable[], targets: readonly VercelTarget[]): TargetRecord[] {
  return targets.map((target) => {
    const variable = envs.find(
      (candidate) =>
        candidate.key === syncRecordKey &&
        !candidate.gitBranch &&
        (Array.isArray(candidate.target) ? candidate.target.includes(target) : candidate.target === target),
    );
    return { target, record: variable?.type === 'plain' ? parseSyncRecord(variable.value) : undefined };
  });
}

/** Whether the sync redeploys, and why, in facts and in words. */
export type RedeployDecision = {
  redeploy: boolean;
  /** The values a redeploy is for that differ from an environment's record. */
  changed: RedeployKey[];
  /** The environments with no record of an earlier sync (the first sync, or a record removed or edited by hand). */
  unrecorded: VercelTarget[];
  /** Why, for people: built from `changed` and `unrecorded`. */
  reason: string;
};

/** Redeploy when any synced environment has no record, or a record other than `current`. */
export function redeployDecision(records: readonly TargetRecord[], current: SyncRecord): RedeployDecision {
  const unrecorded = records.filter(({ record }) => record === undefined).map(({ target }) => target);
  const changed = redeployKeys.filter((key) =>
    records.some(({ record }) => record !== undefined && record[key] !== current[key]),
  );
  const redeploy = unrecorded.length > 0 || changed.length > 0;
  return { redeploy, changed, unrecorded, reason: decisionReason(redeploy, changed, unrecorded) };
}

function decisionReason(redeploy: boolean, changed: readonly RedeployKey[], unrecorded: readonly VercelTarget[]) {
  if (!redeploy) {
    return (
      `redeploy not needed: ${listed(redeployKeys)} are as at the last redeploy; ` +
      'the running app renews its access token by itself, and the next deployment gets the new GOTO_ACCESS_TOKEN'
    );
  }
  const why = [
    changed.length > 0 ? `${listed(changed)} changed since the last redeploy` : '',
    unrecorded.length > 0 ? `no earlier sync is recorded for ${listed(unrecorded)} (${syncRecordKey})` : '',
  ];
  return `redeployed: ${why.filter(Boolean).join('; ')}`;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
