import { readFile, stat, writeFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { expect, test } from './fixtures';
import { withLockedEnvFile } from '../../lib/env-file/env-file-store';
import { applyRecovery, reserveRecovery } from '../../lib/custody/token-recovery';

/*
 * The recovery file on its own (lib/custody/token-recovery.ts), on real files: what the next
 * token request does with an answer kept there. The whole path, a run whose env file turned
 * read-only while GoTo answered, is token-custody.spec.ts's; an exchange's answer also takes
 * the used code out, which a refresh's never does, so that is pinned down here.
 */

test('an exchange’s answer kept in the recovery file takes the used code out of the env file when the next token request applies it', async () => {
  const envFile = test.info().outputPath('.env');
  await writeFile(envFile, '# my client\nGOTO_CLIENT_ID=client-1\nGOTO_AUTH_CODE=used-code-123456\n', { mode: 0o600 });
  const answer = { GOTO_ACCESS_TOKEN: 'eyJ.access.token', GOTO_REFRESH_TOKEN: 'refresh-token-1' };
  await withLockedEnvFile(envFile, {}, async (file) => {
    const reservation = await reserveRecovery(file, 'exchange the code');
    await reservation.keep({ ...answer, GOTO_AUTH_CODE: null }, 'EACCES');
  });

  const applied = await withLockedEnvFile(envFile, {}, (file) => applyRecovery(file));

  expect(applied?.keys.sort()).toEqual(['GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN']);
  const text = await readFile(envFile, 'utf8');
  expect(parse(text), 'the tokens in, the used code out, the rest kept').toEqual({
    GOTO_CLIENT_ID: 'client-1',
    ...answer,
  });
  expect(text.startsWith('# my client\n'), 'the comment stays').toBe(true);
  await expect(stat(`${envFile}.recovery`), 'the recovery file is gone').rejects.toThrow(/ENOENT/);
});
