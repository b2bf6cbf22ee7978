import { writeFile } from 'node:fs/promises';
import { ConfigError, expect, loadSettings, test } from './fixtures';
import { resolveTarget } from '../../lib/config/env-target';
import { collectionProblems, requireSettings } from '../../lib/config/goto-settings';
import { normalizeAuthCode } from '../../lib/goto/auth-code';

const thrown = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

test('chooses the goto target when a client id is configured and the emulator otherwise', () => {
  expect(resolveTarget({}, {})).toBe('emulator');
  expect(resolveTarget({}, { GOTO_CLIENT_ID: 'id' })).toBe('goto');
  expect(resolveTarget({ GOTO_CLIENT_ID: 'id' }, {})).toBe('goto');
  expect(resolveTarget({ GOTO_TARGET: 'emulator' }, { GOTO_CLIENT_ID: 'id' })).toBe('emulator');
});

test('lists every invalid variable in one message, with what it is for, and never its value', async ({}, testInfo) => {
  const envFile = testInfo.outputPath('bad.env');
  await writeFile(envFile, 'GOTO_REDIRECT_URI=not a url\nGOTO_ACCESS_TOKEN_EXPIRES_AT=tomorrow-ish\n');

  const error = thrown(() =>
    loadSettings({
      GOTO_ENV_FILE: envFile,
      GOTO_TARGET: 'goto',
      GOTO_AUTH_BASE_URL: 'http://auth.example.com',
      GOTO_API_BASE_URL: 'ftp://x',
    }),
  );

  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((problem) => problem.split(' ')[0]).sort()).toEqual([
    'GOTO_ACCESS_TOKEN_EXPIRES_AT',
    'GOTO_API_BASE_URL',
    'GOTO_AUTH_BASE_URL',
    'GOTO_REDIRECT_URI',
  ]);
  const message = (error as ConfigError).message;
  expect(message).toContain(
    'GOTO_AUTH_BASE_URL must use https (plain http is allowed only for 127.0.0.1 and localhost)',
  );
  for (const value of ['not a url', 'tomorrow-ish', 'auth.example.com', 'ftp://x'])
    expect(message).not.toContain(value);
});

test('allows plain http for loopback hosts, so a local GoTo-compatible server can stand in', () => {
  const settings = loadSettings({
    GOTO_ENV_FILE: '/nonexistent/.env',
    GOTO_AUTH_BASE_URL: 'http://127.0.0.1:4010',
    GOTO_API_BASE_URL: 'http://localhost:4010',
  });

  expect([settings.authBaseUrl, settings.apiBaseUrl]).toEqual(['http://127.0.0.1:4010', 'http://localhost:4010']);
});

test('takes client settings from the environment first and tokens from the env file first', async ({}, testInfo) => {
  const envFile = testInfo.outputPath('precedence.env');
  await writeFile(envFile, 'GOTO_CLIENT_ID=from-file\nGOTO_REFRESH_TOKEN=from-file\n');

  const settings = loadSettings({ GOTO_ENV_FILE: envFile, GOTO_CLIENT_ID: 'from-env', GOTO_REFRESH_TOKEN: 'from-env' });

  expect(settings.clientId, 'the environment wins for configuration (dotenv’s rule)').toBe('from-env');
  expect(settings.refreshToken, 'the file wins for what the collection writes there').toBe('from-file');
});

test('names each missing variable and where to get it', () => {
  const settings = loadSettings({ GOTO_ENV_FILE: '/nonexistent/.env' });

  const error = thrown(() => requireSettings(settings, ['clientId', 'clientSecret']));

  expect((error as ConfigError).problems).toEqual([
    expect.stringMatching(/^GOTO_CLIENT_ID is not set \(.*developer\.logmeininc\.com\/clients/),
    expect.stringMatching(/^GOTO_CLIENT_SECRET is not set \(/),
  ]);
});

for (const [pasted, expected] of [
  ['abc.def.ghi', 'abc.def.ghi'],
  ['  "abc.def.ghi"  ', 'abc.def.ghi'],
  ["'abc.def.ghi'", 'abc.def.ghi'],
  ['https://example.com/?code=abc.def.ghi&state=xyz', 'abc.def.ghi'],
  ['https://example.com/callback?state=xyz&code=abc.def.ghi', 'abc.def.ghi'],
] as const) {
  test(`reads the code out of a pasted ${JSON.stringify(pasted)}`, () => {
    expect(normalizeAuthCode(pasted)).toBe(expected);
  });
}

test('a first run with the browser login needs the client and its redirect URI, not yet a refresh token', () => {
  const env = {
    GOTO_ENV_FILE: '/nonexistent/first.env',
    GOTO_TARGET: 'goto',
    GOTO_CLIENT_ID: 'a2094c4f',
    GOTO_CLIENT_SECRET: 'secret-value',
  };

  expect(collectionProblems(env).problems, 'the daily chain needs a refresh token').toEqual([
    expect.stringMatching(/^GOTO_REFRESH_TOKEN is not set/),
  ]);
  expect(collectionProblems(env, { authorizing: true }).problems, 'the login needs its redirect URI').toEqual([
    expect.stringMatching(/^GOTO_REDIRECT_URI is not set/),
  ]);
  expect(
    collectionProblems({ ...env, GOTO_REDIRECT_URI: 'https://example.com/' }, { authorizing: true }).problems,
  ).toEqual([]);
});

test('reads GOTO_SCOPE as space-separated scopes, written back with single spaces', () => {
  const settings = loadSettings({ GOTO_ENV_FILE: '/nonexistent/.env', GOTO_SCOPE: '  identity:scim.me \t collab: ' });

  expect(settings.scope).toBe('identity:scim.me collab:');
});

test('leaves the scope unset without GOTO_SCOPE, so the authorize URL asks for none', () => {
  expect(loadSettings({ GOTO_ENV_FILE: '/nonexistent/.env' }).scope).toBeUndefined();
});

test('refuses a GOTO_SCOPE holding a character RFC 6749 §3.3 leaves out of scopes, naming the variable', () => {
  const error = thrown(() => loadSettings({ GOTO_ENV_FILE: '/nonexistent/.env', GOTO_SCOPE: 'collab: "quoted"' }));

  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    expect.stringMatching(/^GOTO_SCOPE must be scopes separated by spaces, such as `identity:scim\.me collab:`/),
  ]);
});
