import { readFile } from 'node:fs/promises';
import {
  AuthCodeError,
  expect,
  ApiStatusError,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { TokenChain } from '../../lib/chain/token-chain';

/** Puts `code` in the sandbox's env file and tries to exchange it, `minutesLater` from now. */
async function exchange(
  sandbox: Sandbox,
  send: ConstructorParameters<typeof TokenChain>[0],
  code: string,
  minutesLater = 0,
) {
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  const before = await readFile(sandbox.envFile);
  const chain = new TokenChain(send, sandbox.env, { now: () => new Date(Date.now() + minutesLater * 60_000) });
  const error = await chain.exchangeCode().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, unchanged: (await readFile(sandbox.envFile)).equals(before) };
}

async function tokenRequests(emulator: EmulatorControl, clientId: string) {
  return (await emulator.requests(clientId)).filter((request) => request.route === 'token');
}

test('refuses an expired code before sending it, saying how long ago it expired and how to get a new one', async ({
  sandbox,
  emulator,
  send,
}) => {
  const issuedAt = Date.now();
  const { code } = await emulator.issueCode(sandbox.client.clientId);

  const { error, unchanged } = await exchange(sandbox, send, code, 11);

  // 11 minutes on, a 10-minute code expired 60 s ago, plus however long this machine took.
  const tookSeconds = Math.ceil((Date.now() - issuedAt) / 1000);
  expect(error).toBeInstanceOf(AuthCodeError);
  expect((error as AuthCodeError).code).toBe('AUTH_CODE_EXPIRED');
  const ago = Number(/^GOTO_AUTH_CODE expired (\d+) seconds ago/.exec((error as AuthCodeError).message)?.[1]);
  expect(ago, 'how long ago it expired').toBeGreaterThanOrEqual(59);
  expect(ago).toBeLessThanOrEqual(61 + tookSeconds);
  expect((error as AuthCodeError).message).toContain('--project=authorize');
  expect((error as AuthCodeError).message.includes(code), 'the code is never shown').toBe(false);
  expect(unchanged, 'the env file is byte-identical').toBe(true);
  expect(await tokenRequests(emulator, sandbox.client.clientId), 'nothing was sent').toEqual([]);
});

test('refuses a code issued to another OAuth client before sending it', async ({ sandbox, emulator, send }) => {
  const other = await emulator.createClient();
  const { code } = await emulator.issueCode(other.clientId);

  const { error, unchanged } = await exchange(sandbox, send, code);

  expect((error as AuthCodeError).code).toBe('AUTH_CODE_OTHER_CLIENT');
  expect((error as AuthCodeError).message).toContain('GOTO_CLIENT_ID');
  expect(unchanged).toBe(true);
  expect(await tokenRequests(emulator, other.clientId)).toEqual([]);
});

test('refuses a code issued for another redirect URI than GOTO_REDIRECT_URI before sending it', async ({
  sandbox,
  emulator,
  send,
}) => {
  const client = await emulator.createClient({
    redirectUris: ['https://app.example.com/callback', 'https://other.example.com/'],
  });
  await updateEnvFile(sandbox.envFile, {
    GOTO_CLIENT_ID: client.clientId,
    GOTO_CLIENT_SECRET: client.clientSecret,
    GOTO_REDIRECT_URI: 'https://app.example.com/callback',
  });
  const { code } = await emulator.issueCode(client.clientId, { redirectUri: 'https://other.example.com/' });

  const { error, unchanged } = await exchange(sandbox, send, code);

  expect((error as AuthCodeError).code).toBe('AUTH_CODE_OTHER_REDIRECT');
  expect((error as AuthCodeError).message).toContain('GOTO_REDIRECT_URI');
  expect(unchanged).toBe(true);
  expect(await tokenRequests(emulator, client.clientId)).toEqual([]);
});

for (const [kind, code] of [
  ['an opaque code (not a JWT)', 'iS0vynEEvRFA9i6kZ8gvNDnnOGE'],
  ['a JWT cut short while copying', 'eyJraWQiOiI2MjAiLCJhbGciOiJSUzUxMiJ9.eyJzYyI6ImNvbGxhYjoi'],
] as const) {
  test(`sends ${kind} as it is and reports GoTo's answer`, async ({ sandbox, emulator, send }) => {
    const { error, unchanged } = await exchange(sandbox, send, code);

    expect(error).toBeInstanceOf(ApiStatusError);
    expect((error as ApiStatusError).error).toBe('invalid_grant');
    expect(unchanged).toBe(true);
    const [sent] = await tokenRequests(emulator, sandbox.client.clientId);
    expect(sent?.form?.code === code, 'the code went out unchanged').toBe(true);
  });
}
