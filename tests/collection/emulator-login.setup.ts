import { expect, fingerprint, readEnvValues, test, updateEnvFile } from '../../fixtures';

// Against the emulator, the first-time login is done for you: this is the step a person
// does in a browser against GoTo (log in, copy `code` from the address bar into
// GOTO_AUTH_CODE).
test('signs in at the emulator and puts a fresh authorization code in the env file', async ({ emulator, chain }) => {
  const settings = chain.settings();
  const { code } = await test.step('log in and consent at /oauth/authorize', async () =>
    emulator.issueCode(settings.clientId ?? '', { redirectUri: settings.redirectUri }),
  );
  await updateEnvFile(settings.envFile, { GOTO_AUTH_CODE: code });

  const stored = readEnvValues(settings.envFile).GOTO_AUTH_CODE;
  expect(stored && fingerprint(stored), 'the env file holds the code just issued').toBe(fingerprint(code));
});
