import { randomBytes, randomUUID } from 'node:crypto';
import { expect, fingerprint, redeployDecision, redeployKeys, syncRecordKey, test } from './fixtures';
import {
  formatSyncRecord,
  parseSyncRecord,
  recordsOf,
  syncRecordOf,
  type SyncRecord,
} from '../../lib/vercel/sync-record';

/*
 * When the Vercel sync redeploys, as a pure function of the record it reads back and the
 * values it sends (lib/vercel/sync-record.ts): no server needed. The sync against the
 * emulated Vercel is in vercel-sync-record.spec.ts.
 */

function values(): Record<(typeof redeployKeys)[number], string> {
  return {
    GOTO_CLIENT_ID: randomUUID(),
    GOTO_CLIENT_SECRET: randomBytes(18).toString('base64'),
    GOTO_REFRESH_TOKEN: randomBytes(48).toString('base64url'),
  };
}

/** A listed record variable, as GET /v10/projects/{id}/env answers one. */
function listed(record: SyncRecord | string, target: string[], extra: Record<string, unknown> = {}) {
  const value = typeof record === 'string' ? record : formatSyncRecord(record);
  return { key: syncRecordKey, type: 'plain', value, target, ...extra };
}

test('the record is one fingerprint per value a redeploy is for, written out by name, and reads back', () => {
  const sent = values();

  const text = formatSyncRecord(syncRecordOf(sent));

  expect(text).toBe(
    `GOTO_CLIENT_ID=${fingerprint(sent.GOTO_CLIENT_ID)},` +
      `GOTO_CLIENT_SECRET=${fingerprint(sent.GOTO_CLIENT_SECRET)},` +
      `GOTO_REFRESH_TOKEN=${fingerprint(sent.GOTO_REFRESH_TOKEN)}`,
  );
  for (const [key, value] of Object.entries(sent)) expect(text.includes(value), `no ${key} in it`).toBe(false);
  expect(parseSyncRecord(text)).toEqual(syncRecordOf(sent));
});

test('redeploys when an environment holds no record, naming the environment', () => {
  const current = syncRecordOf(values());

  const decision = redeployDecision(
    [
      { target: 'production', record: current },
      { target: 'preview', record: undefined },
    ],
    current,
  );

  expect(decision).toEqual({
    redeploy: true,
    changed: [],
    unrecorded: ['preview'],
    reason: `redeployed: no earlier sync is recorded for preview (${syncRecordKey})`,
  });
});

test('does not redeploy when every environment’s record matches what is sent', () => {
  const current = syncRecordOf(values());

  const decision = redeployDecision(
    [
      { target: 'production', record: current },
      { target: 'preview', record: { ...current } },
    ],
    current,
  );

  expect(decision.redeploy).toBe(false);
  expect(decision.reason).toMatch(/^redeploy not needed: .* are as at the last redeploy; /);
});

test('names every value that differs from the record of any environment, and each only once', () => {
  const before = values();
  const current = syncRecordOf({ ...before, GOTO_CLIENT_SECRET: 'a new secret', GOTO_REFRESH_TOKEN: 'a rotated one' });
  const old = syncRecordOf(before);

  const decision = redeployDecision(
    [
      { target: 'production', record: old },
      { target: 'preview', record: { ...current, GOTO_CLIENT_SECRET: old.GOTO_CLIENT_SECRET } },
    ],
    current,
  );

  expect(decision.changed).toEqual(['GOTO_CLIENT_SECRET', 'GOTO_REFRESH_TOKEN']);
  expect(decision.reason).toBe('redeployed: GOTO_CLIENT_SECRET and GOTO_REFRESH_TOKEN changed since the last redeploy');
});

const notRecords: Array<{ title: string; variable: Record<string, unknown> }> = [
  {
    title: 'a sensitive record (Vercel gives no value back)',
    variable: { key: syncRecordKey, type: 'sensitive', target: ['production'] },
  },
  { title: 'a record edited by hand', variable: listed('redeploy please', ['production']) },
  {
    title: 'a record cut short',
    variable: listed('GOTO_CLIENT_ID=sha256:0123456789ab,GOTO_CLIENT_SECRET=sha256:0123', ['production']),
  },
  {
    title: 'a record for one Git branch only',
    variable: listed(syncRecordOf(values()), ['production'], { gitBranch: 'feature-1' }),
  },
  { title: 'a record of another environment only', variable: listed(syncRecordOf(values()), ['preview']) },
];

for (const { title, variable } of notRecords) {
  test(`counts ${title} as no record of an earlier sync`, () => {
    expect(recordsOf([variable], ['production'])).toEqual([{ target: 'production', record: undefined }]);
  });
}

test('reads one record shared by several environments, as someone may have added it by hand', () => {
  const record = syncRecordOf(values());

  expect(recordsOf([listed(record, ['production', 'preview'])], ['production', 'preview'])).toEqual([
    { target: 'production', record },
    { target: 'preview', record },
  ]);
});
