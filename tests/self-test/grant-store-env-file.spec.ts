import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { expect, test } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { sideFilePath, outsideTheStore } from '../../lib/grant-store/env-file-driver';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { updateEnvFile } from '../../lib/env-file/env-file-store';
import { grantRecord, grantStoreContract } from './helpers/grant-store-contract';

/*
 * The grant store with GOTO_GRANT_STORE unset: the env file, as the collection has always
 * kept it, with the version, state and lease in the side file beside it.
 */

const readOrNothing = (file: string) => readFile(file, 'utf8').catch(() => '(none)');

grantStoreContract({
  name: 'env-file',
  encrypts: false,
  holderEnv: () =>
    Promise.resolve({ GOTO_ENV_FILE: test.info().outputPath(`grant-${randomBytes(4).toString('hex')}.env`) }),
  // The grant name does not apply: one env file holds one grant.
  raw: async (env: Env) =>
    `${await readOrNothing(env.GOTO_ENV_FILE ?? '')}\n--\n${await readOrNothing(sideFilePath(env.GOTO_ENV_FILE ?? ''))}`,
  stored: () => Promise.reject(new Error('the env file keeps its tokens in clear')),
  setStored: () => Promise.reject(new Error('the env file keeps its tokens in clear')),
});

test.describe('the grant store on the env file', () => {
  test('writes the tokens to the keys the collection has always used, keeps every other line, and keeps no token beside it', async () => {
    const envFile = test.info().outputPath('kept.env');
    const before = '# my settings\nGOTO_CLIENT_ID=abc\n\nexport GOTO_REDIRECT_URI="https://example.com/"\n';
    await writeFile(envFile, before, { mode: 0o600 });
    const store = await openGrantStore({ GOTO_ENV_FILE: envFile });
    const record = grantRecord(1);
    await store.commit(0, record);
    const text = await readFile(envFile, 'utf8');
    expect(text.startsWith(before), 'every line of the user stays as it was').toBe(true);
    expect(text.slice(before.length)).toBe(
      `GOTO_REFRESH_TOKEN=${record.refreshToken}\nGOTO_ACCESS_TOKEN=${record.accessToken}\n` +
        `GOTO_ACCESS_TOKEN_EXPIRES_AT=${record.accessTokenExpiresAt}\nGOTO_PRINCIPAL=${record.principal}\n` +
        `GOTO_ORGANIZER_KEY=${record.organizerKey}\nGOTO_GRANTED_SCOPE=${record.scopes}\n`,
    );
    const side = await readFile(sideFilePath(envFile), 'utf8');
    expect(side).not.toContain(record.refreshToken);
    expect(side).not.toContain(record.accessToken);
    expect(JSON.parse(side)).toMatchObject({ version: 1, state: 'ok', scopes: record.scopes });
  });

  test("tokens written outside the store (today's custody, a person) read as the next version, so a holder's commit over the older one is refused", async () => {
    const envFile = test.info().outputPath('outside.env');
    const store = await openGrantStore({ GOTO_ENV_FILE: envFile });
    await store.commit(0, grantRecord(1));
    const readBefore = await store.read();
    await updateEnvFile(envFile, {
      GOTO_REFRESH_TOKEN: 'pasted-by-a-person',
      GOTO_ACCESS_TOKEN: 'pasted-too',
      GOTO_GRANTED_SCOPE: 'collab:',
    });
    const now = await store.read();
    expect(now).toMatchObject({
      version: 2,
      // The scopes the outside writer stored with its tokens, not the side file's older ones.
      record: { refreshToken: 'pasted-by-a-person', writtenBy: outsideTheStore, state: 'ok', scopes: 'collab:' },
    });
    expect(await store.commit(readBefore!.version, grantRecord(2))).toEqual({
      committed: false,
      reason: 'version-changed',
      version: 2,
    });
    expect(await store.commit(2, grantRecord(3))).toEqual({ committed: true, version: 3 });
  });

  test('an env file with tokens and no side file (the collection before the store) is version 1', async () => {
    const envFile = test.info().outputPath('legacy.env');
    await writeFile(envFile, 'GOTO_REFRESH_TOKEN=old-refresh\nGOTO_ACCESS_TOKEN=old-access\n', { mode: 0o600 });
    const store = await openGrantStore({ GOTO_ENV_FILE: envFile });
    expect(await store.read()).toMatchObject({ version: 1, record: { refreshToken: 'old-refresh', state: 'ok' } });
  });

  test("a side file's temp copy left by a killed writer is removed by the next write under the lock", async () => {
    const envFile = test.info().outputPath('leftover.env');
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('close', resolve));
    const leftover = `${sideFilePath(envFile)}.${child.pid}-${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(leftover, '{"version": 1}', { mode: 0o600 });
    const store = await openGrantStore({ GOTO_ENV_FILE: envFile });
    expect(await store.acquireLease('holder', 60_000)).toEqual({ acquired: true });
    await expect(access(leftover), `${basename(leftover)} is gone`).rejects.toThrow();
  });
});
