/**
 * Where a holder on a laptop or in CI keeps GoTo's answer until the grant store has it: a
 * recovery file beside the env file, reserved before the request leaves (as for the env file,
 * lib/custody/token-recovery.ts: a full disk or a folder turned read-only cannot stop the
 * write), written and flushed as soon as the answer is in, before the commit, and deleted once
 * the commit landed. A holder killed in between leaves the answer there; the next holder on
 * this machine commits it over the version it was meant for (lib/grant-store/holder-protocol.ts).
 *
 * One file per store and grant: `<env file>.grant-<grant>-<store id>.recovery` (the store id a
 * hash of its kind and host:port, never the URL). Its text is dotenv's, so a person can read
 * which keys it holds; the values are the record's, never printed by this project.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { readEnvFile } from '../env-file/env-reader';
import type { EnvUpdates } from '../env-file/env-text-editor';
import { EnvFileError } from '../errors';
import type { GrantRecord } from '../grant-store/grant-record';
import type { GrantStore } from '../grant-store/grant-store';
import type { AnswerKeeper, AnswerReservation, PendingAnswer } from '../grant-store/holder-protocol';
import { reserveRecoveryFile } from './token-recovery';

/** The record's fields as the recovery file names them. */
const keys = {
  refreshToken: 'GOTO_REFRESH_TOKEN',
  accessToken: 'GOTO_ACCESS_TOKEN',
  accessTokenExpiresAt: 'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  principal: 'GOTO_PRINCIPAL',
  organizerKey: 'GOTO_ORGANIZER_KEY',
  scopes: 'GOTO_GRANT_SCOPES',
  state: 'GOTO_GRANT_STATE',
  writtenBy: 'GOTO_GRANT_WRITTEN_BY',
  writtenAt: 'GOTO_GRANT_WRITTEN_AT',
} as const satisfies Record<keyof GrantRecord, string>;
const baseVersionKey = 'GOTO_GRANT_BASE_VERSION';
const storeKey = 'GOTO_GRANT_STORE_ID';

export function storeId(store: Pick<GrantStore, 'kind' | 'address'>): string {
  return createHash('sha256').update(`${store.kind} ${store.address}`).digest('hex').slice(0, 8);
}

/** The recovery file of `store`'s grant for the env file `envFile` (its real path, symlinks resolved). */
export function storeRecoveryPath(envFile: string, store: Pick<GrantStore, 'kind' | 'address' | 'grant'>): string {
  return `${envFile}.grant-${store.grant}-${storeId(store)}.recovery`;
}

const wording = {
  why: (cause: string) => `the answer of a token request for the grant store, ${cause}`,
  next: 'The next token request of this grant on this machine commits it to the store by itself and deletes this file.',
};

/**
 * The recovery file of `store`'s grant beside `envFile`, as the holder protocol's keeper. The
 * holder calls `reserve` under the grant's lease only, so no two holders reserve it at once.
 */
export async function fileKeeper(envFile: string, store: GrantStore, step: string): Promise<AnswerKeeper> {
  const target = await fs.realpath(envFile).catch(() => envFile);
  const file: KeptFile = { path: storeRecoveryPath(target, store), id: storeId(store), envFile };
  return {
    path: file.path,
    async pending() {
      const found = await readKept(file);
      return typeof found === 'object' ? found : undefined;
    },
    async discard() {
      await fs.unlink(file.path).catch(() => undefined);
    },
    reserve: () => reserveAnswer(file, step),
  };
}

/** One store's recovery file: where it is, the id of the store its answer is for, the env file errors name. */
type KeptFile = { path: string; id: string; envFile: string };

/** The answer the file holds; 'reservation' when it holds none (or one for another store), as reserved. */
async function readKept({ path, id }: KeptFile): Promise<PendingAnswer | 'reservation' | undefined> {
  const contents = await readEnvFile(path);
  if (!contents.exists) return undefined;
  const { values } = contents;
  const base = Number(values[baseVersionKey]);
  if (values[storeKey] !== id || !Number.isInteger(base)) return 'reservation';
  const value = (field: keyof GrantRecord) => values[keys[field]] ?? null;
  return {
    baseVersion: base,
    record: {
      refreshToken: value('refreshToken'),
      accessToken: value('accessToken'),
      accessTokenExpiresAt: value('accessTokenExpiresAt'),
      principal: value('principal'),
      organizerKey: value('organizerKey'),
      scopes: value('scopes'),
      state: 'ok',
      writtenBy: value('writtenBy') ?? 'recovery',
      writtenAt: value('writtenAt') ?? new Date().toISOString(),
    },
  };
}

/**
 * Reserves the file for the answer of the request about to leave. An answer kept there is never
 * overwritten: it may be the only copy of a rotated refresh token, and it is committed first.
 */
async function reserveAnswer(file: KeptFile, step: string): Promise<AnswerReservation> {
  const { path, envFile, id } = file;
  // A reservation an earlier holder left without an answer (killed before GoTo answered).
  const found = await readKept(file).catch(() => undefined);
  if (found === 'reservation') await fs.unlink(path).catch(() => undefined);
  else if (found) throw new EnvFileError('ENV_FILE_RECOVERY_WAITING', { path: envFile, recoveryFile: path });
  const reservation = await reserveRecoveryFile({ path, envFile }, step, wording);
  return {
    keep: (answer) =>
      reservation.keep(answerUpdates(id, answer), `version ${answer.baseVersion + 1}, kept before its commit`),
    release: () => reservation.release(),
  };
}

/** The answer as the recovery file's lines: the store it is for, the version it was read at, the record. */
function answerUpdates(id: string, { baseVersion, record }: PendingAnswer): EnvUpdates {
  const updates: EnvUpdates = { [storeKey]: id, [baseVersionKey]: String(baseVersion) };
  for (const [field, key] of Object.entries(keys)) updates[key] = record[field as keyof GrantRecord];
  return updates;
}
