import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, expect, fingerprint, loadSettings, readEnvValues, test, updateEnvFile } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { tokenStatus, type TokenStatus } from '../../lib/status/token-status';
import { renderStatus, useColor } from '../../lib/status/render-status';
import { bundledScript, bundleNodePath } from '../../lib/script-bundle';
import { variables, type VariableName } from '../../lib/config/variables';
import { webinarScope } from '../../requests/goto-scopes';
import { childEnv } from './helpers/child-env';
import { markRequests } from './helpers/received-since';

const repositoryRoot = path.resolve(__dirname, '../..');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A fixed clock, so every duration below is exact. */
const now = new Date('2026-05-01T10:00:00Z');
const at = (offsetMs: number, from = now) => new Date(from.getTime() + offsetMs);
const epoch = (time: Date) => Math.floor(time.getTime() / 1000);

/**
 * A JWT-shaped token as GoTo and the emulator issue them (RFC 7519: base64url JSON header
 * and payload, then a signature), with a random signature so every token is a distinct secret.
 */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signature = randomBytes(32).toString('base64url');
  return `${part({ kid: 'oauthv2.lmi.com.0219', alg: 'RS512' })}.${part(claims)}.${signature}`;
}

/** A refresh token issued `ageMs` before `from`, lasting GoTo's 30 days. */
function refreshToken(ageMs: number, from = now): string {
  const iat = epoch(at(-ageMs, from));
  return jwt({ typ: 'r', iat, exp: iat + 30 * 24 * 3600 });
}

/** The status of settings given as environment variables, with no env file, at `now`. */
function statusOf(values: Env, when = now): TokenStatus {
  const env: Env = { GOTO_ENV_FILE: '/nonexistent/status.env', GOTO_TARGET: 'goto', ...values };
  return tokenStatus({ settings: loadSettings(env), env, fileValues: {}, now: when });
}

const row = (status: TokenStatus, label: string) =>
  status.sections.flatMap((section) => section.rows).find((candidate) => candidate.label === label)?.cells;
const verdictText = (status: TokenStatus) => status.verdict.map((line) => line.text).join('\n');

test.describe('the verdict and its exit code', () => {
  test('reports a fresh pair as usable: the access token’s minutes and the refresh token’s days left of 30, exit 0', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      GOTO_ACCESS_TOKEN_EXPIRES_AT: at(42 * MINUTE).toISOString(),
      GOTO_REFRESH_TOKEN: refreshToken(12 * DAY),
    });

    expect(row(status, 'access token')).toEqual(['valid for 42 min', 'until 2026-05-01 10:42 UTC']);
    expect(row(status, 'refresh token')).toEqual([
      '18 days left of 30 days',
      'issued 12 days ago, expires 2026-05-19 10:00 UTC',
    ]);
    expect(status.verdict[0]).toEqual({ tone: 'ok', text: 'OK: the refresh token has 18 days left.' });
    expect(status.exitCode).toBe(0);
  });

  test('warns, and still exits 0, when the refresh token has fewer than 7 days left', () => {
    const status = statusOf({ GOTO_REFRESH_TOKEN: refreshToken(25 * DAY) });

    expect(status.refresh.state).toBe('expiring');
    expect(row(status, 'refresh token')?.[0]).toBe('5 days left of 30 days');
    expect(verdictText(status)).toMatch(
      /^Warning: the refresh token expires in 5 days, fewer than 7 days \(GOTO_REFRESH_WARN_DAYS\)\.\nWhat to do: run `npx playwright test --grep @refresh`/,
    );
    expect(status.exitCode).toBe(0);
  });

  test('takes the warning threshold from GOTO_REFRESH_WARN_DAYS', () => {
    const tenDaysLeft = refreshToken(20 * DAY);

    expect(statusOf({ GOTO_REFRESH_TOKEN: tenDaysLeft }).refresh.state, 'the default is 7 days').toBe('valid');
    expect(statusOf({ GOTO_REFRESH_TOKEN: tenDaysLeft, GOTO_REFRESH_WARN_DAYS: '14' }).refresh.state).toBe('expiring');
  });

  test('refuses a GOTO_REFRESH_WARN_DAYS that is not a number of days, naming the variable', () => {
    const error = (() => {
      try {
        return statusOf({ GOTO_REFRESH_WARN_DAYS: 'soon' });
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^GOTO_REFRESH_WARN_DAYS must be a number of days/),
    ]);
  });

  test('exits 0 when the access token has expired but the refresh token is fine: the next run refreshes it', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      GOTO_ACCESS_TOKEN_EXPIRES_AT: at(-3 * HOUR).toISOString(),
      GOTO_REFRESH_TOKEN: refreshToken(2 * DAY),
    });

    expect(row(status, 'access token')?.[0]).toBe('expired 3 h ago');
    expect(status.verdict[0]?.text).toBe(
      'OK: the refresh token has 28 days left; the next run gets a new access token with it.',
    );
    expect(status.exitCode).toBe(0);
  });

  test('exits 1 when the refresh token has expired and so has the access token, saying to authorize again', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      GOTO_ACCESS_TOKEN_EXPIRES_AT: at(-2 * DAY).toISOString(),
      GOTO_REFRESH_TOKEN: refreshToken(32 * DAY),
    });

    expect(status.refresh.state).toBe('expired');
    expect(row(status, 'refresh token')?.[0]).toBe('expired 2 days ago');
    expect(verdictText(status)).toMatch(
      /^No usable token: the refresh token expired 2 days ago and the access token has expired\.\nWhat to do: authorize again: `npx playwright test --project=authorize`/,
    );
    expect(status.exitCode).toBe(1);
  });

  test('exits 1 when neither a refresh token nor an access token is set', () => {
    const status = statusOf({});

    expect(row(status, 'GOTO_REFRESH_TOKEN')).toEqual(['missing', '']);
    expect(verdictText(status)).toMatch(
      /^No usable token: GOTO_REFRESH_TOKEN is not set and there is no access token\./,
    );
    expect(status.exitCode).toBe(1);
  });

  test('still exits 0 while the access token works after the refresh token has expired, and warns to authorize again', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      GOTO_ACCESS_TOKEN_EXPIRES_AT: at(20 * MINUTE).toISOString(),
      GOTO_REFRESH_TOKEN: refreshToken(31 * DAY),
    });

    expect(verdictText(status)).toMatch(
      /^Warning: only the access token is left, for 20 min: the refresh token expired 1 day ago\./,
    );
    expect(status.exitCode).toBe(0);
  });

  test('points to GOTO_AUTH_CODE when no token is left but a code waits to be exchanged', () => {
    const code = jwt({ iat: epoch(at(-6 * MINUTE)), exp: epoch(at(4 * MINUTE)) });

    const status = statusOf({ GOTO_AUTH_CODE: code });

    expect(verdictText(status)).toContain(
      'What to do: GOTO_AUTH_CODE is set: run `npx playwright test` within 4 min to exchange it',
    );
    expect(status.exitCode, 'a code is not a token yet').toBe(1);
  });
});

test.describe('other holders of the refresh token', () => {
  const holdersNote = /^Note: this file is one holder of the refresh token, and status asks GoTo nothing\./;

  for (const [kind, refreshTokenValue] of [
    ['a refresh token with days left', refreshToken(12 * DAY)],
    ['one close to its end', refreshToken(26 * DAY)],
    ['one of unknown age', 'i37g20yB3hrDXUeTokenTr87EZ34kTvNK'],
  ] as const) {
    test(`with ${kind}, notes that another holder may have received a rotated token, which status cannot see`, () => {
      const status = statusOf({ GOTO_REFRESH_TOKEN: refreshTokenValue });

      const note = status.verdict.find((line) => holdersNote.test(line.text));
      expect(note?.tone, 'a note, after the verdict on the tokens').toBe('plain');
      expect(status.verdict.at(-1)).toBe(note);
      expect(note?.text).toContain(
        'If another holder (your app on Vercel, a CI job, another .env) has refreshed and received a rotated token, ' +
          'this one no longer works, and the next refresh here fails with invalid_grant.\n' +
          'What to do: let one holder refresh and the others take the tokens from it ' +
          '(README, "One refresh token, several holders").',
      );
      expect(status.exitCode, 'a note changes no exit code').toBe(0);
    });
  }

  test('says nothing of other holders when no refresh token is left to rotate', () => {
    for (const values of [{}, { GOTO_REFRESH_TOKEN: refreshToken(31 * DAY) }]) {
      expect(verdictText(statusOf(values))).not.toMatch(/another holder/);
    }
  });

  test('says nothing of other holders on the emulator target, whose tokens are made up for the run', () => {
    const status = statusOf({ GOTO_TARGET: 'emulator', GOTO_REFRESH_TOKEN: refreshToken(2 * DAY) });

    expect(verdictText(status)).not.toMatch(/another holder/);
  });
});

test.describe('the refresh token’s age', () => {
  for (const [kind, token] of [
    ['an opaque token (not a JWT)', 'i37g20yB3hrDXUeTokenTr87EZ34kTvNK'],
    ['a JWT without iat or exp', jwt({ typ: 'r' })],
    ['a JWT cut short while copying', 'eyJraWQiOiI2MjAiLCJhbGciOiJSUzUxMiJ9.eyJzYyI6ImNvbGxhYjoi'],
  ] as const) {
    test(`reads ${kind} as of unknown age and exits 0: only GoTo can tell whether it still works`, () => {
      const status = statusOf({ GOTO_REFRESH_TOKEN: token });

      expect(status.refresh).toEqual({ state: 'unknown-age' });
      expect(row(status, 'refresh token')?.[0]).toBe('unknown age');
      expect(status.exitCode).toBe(0);
    });
  }

  test('derives the issue time from exp alone, and the expiry from iat alone, with GoTo’s 30-day lifetime', () => {
    const fromExp = statusOf({ GOTO_REFRESH_TOKEN: jwt({ exp: epoch(at(10 * DAY)) }) });
    const fromIat = statusOf({ GOTO_REFRESH_TOKEN: jwt({ iat: epoch(at(-10 * DAY)) }) });

    expect(fromExp.refresh).toEqual({ state: 'valid', issuedAt: at(-20 * DAY), expiresAt: at(10 * DAY) });
    expect(fromIat.refresh).toEqual({ state: 'valid', issuedAt: at(-10 * DAY), expiresAt: at(20 * DAY) });
  });
});

test.describe('the scopes the grant carries', () => {
  const both = 'identity:scim.me collab:';
  // Which calls need `collab:` is checked against GoTo's OpenAPI in scopes.spec.ts.
  const webinarCalls = webinarScope.calls;
  const scopeWarnings = (status: TokenStatus) =>
    status.verdict.filter((line) => line.text.startsWith('Warning: scope ')).map((line) => line.text);

  test('reads them from the access token’s sc claim and shows them next to GOTO_SCOPE, each needed scope granted', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a', sc: both }),
      GOTO_REFRESH_TOKEN: refreshToken(DAY),
      GOTO_SCOPE: both,
    });

    expect(row(status, 'grant')).toEqual([both, 'the sc claim of GOTO_ACCESS_TOKEN']);
    expect(row(status, 'asked for')).toEqual([both, 'GOTO_SCOPE, what the authorize URL asks for']);
    expect(row(status, 'identity:scim.me')).toEqual(['granted', 'in GOTO_SCOPE', 'Profile: Users/me']);
    expect(row(status, 'collab:')).toEqual(['granted', 'in GOTO_SCOPE', 'GoToWebinar: the GoTo Webinar API, 13 calls']);
    expect(scopeWarnings(status)).toEqual([]);
  });

  test('reads them from the GOTO_GRANTED_SCOPE the collection stored, with opaque tokens, and warns which calls a missing collab: breaks', async ({}, testInfo) => {
    // GoTo's tokens are not documented as JWTs: opaque ones carry no sc claim, the answer's `scope` was stored.
    const envFile = testInfo.outputPath('granted-scope.env');
    await writeFile(
      envFile,
      [
        'GOTO_ACCESS_TOKEN=opaque-access-token',
        `GOTO_ACCESS_TOKEN_EXPIRES_AT=${at(42 * MINUTE).toISOString()}`,
        'GOTO_REFRESH_TOKEN=opaque-refresh-token',
        'GOTO_GRANTED_SCOPE=identity:scim.me',
        '',
      ].join('\n'),
    );
    const env: Env = { GOTO_ENV_FILE: envFile, GOTO_TARGET: 'goto' };

    const status = tokenStatus({ settings: loadSettings(env), env, fileValues: readEnvValues(envFile), now });

    expect(row(status, 'GOTO_GRANTED_SCOPE')).toEqual(['set', 'env file']);
    expect(row(status, 'grant')).toEqual(['identity:scim.me', "GOTO_GRANTED_SCOPE, from GoTo's token answer"]);
    expect(row(status, 'identity:scim.me')?.[0]).toBe('granted');
    expect(row(status, 'collab:')?.[0]).toBe('missing');
    const [warning, ...others] = scopeWarnings(status);
    expect(others).toEqual([]);
    expect(warning).toContain(
      'Warning: scope collab: ("GoToWebinar"): the grant lacks it ' +
        "(GOTO_GRANTED_SCOPE, from GoTo's token answer: identity:scim.me).",
    );
    expect(warning).toContain(
      `Without it these calls fail: the GoTo Webinar API (13 calls: ${webinarCalls.join(', ')}).`,
    );
    expect(status.exitCode).toBe(0);
  });

  test('prefers GOTO_GRANTED_SCOPE, what GoTo answered, to an sc claim', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a', sc: both }),
      GOTO_REFRESH_TOKEN: refreshToken(DAY),
      GOTO_GRANTED_SCOPE: 'collab:',
    });

    expect(row(status, 'grant')).toEqual(['collab:', "GOTO_GRANTED_SCOPE, from GoTo's token answer"]);
    expect(row(status, 'identity:scim.me')?.[0]).toBe('missing');
  });

  test("with a grant store, reads them from the store's record, not from the env file's GOTO_GRANTED_SCOPE", () => {
    const env: Env = { GOTO_ENV_FILE: '/nonexistent/status.env', GOTO_TARGET: 'goto', GOTO_GRANTED_SCOPE: both };
    const record = {
      refreshToken: 'opaque-refresh-token',
      accessToken: 'opaque-access-token',
      accessTokenExpiresAt: at(42 * MINUTE).toISOString(),
      principal: null,
      organizerKey: null,
      scopes: 'identity:scim.me',
      state: 'ok' as const,
      writtenBy: 'ci-runner-7/4242/run-17/0a1b2c3d',
      writtenAt: at(-HOUR).toISOString(),
    };
    const view = {
      kind: 'redis' as const,
      address: '127.0.0.1:6379',
      grant: 'default',
      keyId: undefined,
      otherCopy: undefined,
    };
    const statusWith = (scopes: string | null) =>
      tokenStatus({
        settings: loadSettings(env),
        env,
        fileValues: {},
        now,
        store: { ...view, stored: { version: 3, record: { ...record, scopes } } },
      });

    const status = statusWith('identity:scim.me');

    expect(row(status, 'GOTO_GRANTED_SCOPE')).toEqual(['set', 'grant store']);
    expect(row(status, 'grant')).toEqual(['identity:scim.me', "the grant store's record"]);
    expect(row(status, 'collab:')?.[0]).toBe('missing');
    expect(scopeWarnings(status)).toEqual([
      expect.stringContaining(
        'Warning: scope collab: ("GoToWebinar"): the grant lacks it (the grant store\'s record: identity:scim.me).',
      ),
    ]);
    expect(row(statusWith(null), 'grant'), 'a record without scopes: the env file’s value is of other tokens').toEqual([
      'unknown',
      "the grant store's record keeps none, and no token or code has an sc claim",
    ]);
  });

  for (const [source, values] of [
    ['GOTO_REFRESH_TOKEN', { GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }), GOTO_REFRESH_TOKEN: jwt({ typ: 'r', sc: both }) }],
    ['GOTO_AUTH_CODE', { GOTO_AUTH_CODE: jwt({ typ: 'c', sc: both, exp: epoch(at(5 * MINUTE)) }) }],
  ] as const) {
    test(`reads them from the sc claim of ${source} when no token before it carries one`, () => {
      const status = statusOf(values);

      expect(row(status, 'grant')).toEqual([both, `the sc claim of ${source}`]);
    });
  }

  test('says "unknown" when no GOTO_GRANTED_SCOPE is stored and no token or code carries an sc claim, and warns of nothing it cannot see', () => {
    const status = statusOf({ GOTO_ACCESS_TOKEN: 'opaque-access-token', GOTO_REFRESH_TOKEN: refreshToken(DAY) });

    expect(row(status, 'grant')).toEqual(['unknown', 'no GOTO_GRANTED_SCOPE, and no token or code with an sc claim']);
    expect(row(status, 'asked for')).toEqual(['every scope of the client', 'GOTO_SCOPE is not set']);
    expect(row(status, 'collab:')?.slice(0, 2)).toEqual(['unknown', '']);
    expect(scopeWarnings(status)).toEqual([]);
  });

  test('warns when the grant lacks collab:, naming every Webinar call that will fail and where to tick the scope, and still exits 0', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a', sc: 'identity:scim.me' }),
      GOTO_REFRESH_TOKEN: refreshToken(DAY),
    });

    expect(row(status, 'collab:')?.[0]).toBe('missing');
    const [warning, ...others] = scopeWarnings(status);
    expect(others).toEqual([]);
    expect(warning).toContain(
      'Warning: scope collab: ("GoToWebinar"): the grant lacks it (the sc claim of GOTO_ACCESS_TOKEN: identity:scim.me).',
    );
    expect(warning).toContain(
      `Without it these calls fail: the GoTo Webinar API (13 calls: ${webinarCalls.join(', ')}).`,
    );
    expect(warning).toContain(
      'What to do: at https://developer.logmeininc.com/clients open the OAuth client, tick "GoToWebinar" (collab:)',
    );
    expect(warning).toContain('then authorize again (`npx playwright test --project=authorize`');
    expect(status.exitCode, 'a token is still usable: --strict fails on the warning').toBe(0);
  });

  test('warns when GOTO_SCOPE leaves out identity:scim.me though the grant has it: the next authorization would lose it', () => {
    const status = statusOf({
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a', sc: both }),
      GOTO_REFRESH_TOKEN: refreshToken(DAY),
      GOTO_SCOPE: 'collab:',
    });

    expect(row(status, 'identity:scim.me')?.slice(0, 2)).toEqual(['granted', 'not in GOTO_SCOPE']);
    expect(scopeWarnings(status)).toEqual([
      'Warning: scope identity:scim.me ("Profile"): GOTO_SCOPE does not ask for it, so the next authorization will not grant it. ' +
        'Without it these calls fail: Users/me, and every Webinar call while GOTO_ORGANIZER_KEY is not set (Users/me gives the organizer key).\n' +
        'What to do: add identity:scim.me to GOTO_SCOPE (or remove GOTO_SCOPE: GoTo then grants every scope the client has).',
    ]);
  });
});

test('takes the access token’s expiry from its exp claim when GOTO_ACCESS_TOKEN_EXPIRES_AT is not set', () => {
  const status = statusOf({
    GOTO_ACCESS_TOKEN: jwt({ typ: 'a', exp: epoch(at(30 * MINUTE)) }),
    GOTO_REFRESH_TOKEN: refreshToken(DAY),
  });

  expect(status.access).toEqual({ state: 'valid', expiresAt: at(30 * MINUTE), from: 'exp claim' });
});

test('lists every variable the catalogue marks for status, in the catalogue’s order, and no other', () => {
  const marked = (Object.keys(variables) as VariableName[]).filter((name) => variables[name].status !== undefined);
  const listed = statusOf({}).sections.find((section) => section.title === 'Variables')?.rows ?? [];

  expect(marked.length, 'the catalogue marks the client and the tokens').toBeGreaterThan(5);
  expect(listed.map((row) => row.label)).toEqual(marked);
});

test('shows the principal, the organizer key, the target and its hosts', () => {
  const status = statusOf({
    GOTO_PRINCIPAL: 'jane@example.com',
    GOTO_ORGANIZER_KEY: '8439885694023999999',
    GOTO_AUTH_BASE_URL: 'http://127.0.0.1:4010',
  });

  expect(row(status, 'principal')?.[0]).toBe('jane@example.com');
  expect(row(status, 'organizer key')?.[0], 'kept as a string: it does not fit a double').toBe('8439885694023999999');
  expect(row(status, 'target')).toEqual(['goto', 'GOTO_TARGET']);
  expect(row(status, 'auth host')).toEqual(['http://127.0.0.1:4010', 'environment']);
  expect(row(status, 'API host')).toEqual(['https://api.getgo.com', 'default']);
});

test('says where each value came from: the env file first for tokens, the environment first for client settings', async ({}, testInfo) => {
  const envFile = testInfo.outputPath('sources.env');
  await writeFile(envFile, 'GOTO_CLIENT_ID=from-file\nGOTO_REFRESH_TOKEN=from-file-token\n');
  const env: Env = {
    GOTO_ENV_FILE: envFile,
    GOTO_CLIENT_ID: 'from-env',
    GOTO_REFRESH_TOKEN: 'from-env-token',
    GOTO_CLIENT_SECRET: 'from-env-secret',
  };

  const status = tokenStatus({ settings: loadSettings(env), env, fileValues: readEnvValues(envFile), now });

  expect(row(status, 'GOTO_CLIENT_ID')).toEqual(['set', 'environment']);
  expect(row(status, 'GOTO_CLIENT_SECRET')).toEqual(['set', 'environment']);
  expect(row(status, 'GOTO_REFRESH_TOKEN'), 'the fingerprint is of the token the collection will use').toEqual([
    'set',
    'env file',
    fingerprint('from-file-token'),
  ]);
});

test.describe('the printed report', () => {
  const secrets = {
    GOTO_CLIENT_SECRET: 'cs+Zx9/K2q=status-secret',
    GOTO_AUTH_CODE: jwt({ exp: epoch(at(5 * MINUTE)) }),
    GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
    GOTO_REFRESH_TOKEN: refreshToken(3 * DAY),
  };
  const status = () =>
    statusOf({
      ...secrets,
      GOTO_CLIENT_ID: 'a2094c4f-0000-4000-8000-000000000000',
      GOTO_ACCESS_TOKEN_EXPIRES_AT: at(42 * MINUTE).toISOString(),
    });

  test('shows the tokens and the code only as set with a fingerprint, and the client secret only as set', () => {
    const text = renderStatus(status(), { color: false });

    for (const [name, secret] of Object.entries(secrets))
      expect(text.includes(secret), `${name} is never shown`).toBe(false);
    expect(text).toMatch(
      new RegExp(`GOTO_REFRESH_TOKEN +set +environment +${fingerprint(secrets.GOTO_REFRESH_TOKEN)}\n`),
    );
    expect(text).toMatch(/GOTO_CLIENT_SECRET +set +environment\n/);
    expect(text).not.toContain(fingerprint(secrets.GOTO_CLIENT_SECRET));
  });

  test('aligns its columns in plain text, with no ANSI codes, when colour is off', () => {
    const lines = renderStatus(status(), { color: false }).split('\n');
    const variableLines = lines.filter((line) => /^ {2}GOTO_/.test(line));

    expect(lines.join('\n')).not.toContain('\u001b[');
    expect(variableLines).toHaveLength(10);
    expect(
      new Set(variableLines.map((line) => line.search(/ (set|missing)\b/))).size,
      'the set/missing column starts at one place',
    ).toBe(1);
  });

  test('colours the state and the verdict when colour is on, without moving a column', () => {
    const colored = renderStatus(status(), { color: true });

    expect(colored).toContain('\u001b[32mset\u001b[0m');
    // eslint-disable-next-line no-control-regex -- ANSI colour codes are what is checked
    expect(colored).toMatch(/\u001b\[1;32mOK: /);
    // eslint-disable-next-line no-control-regex -- ANSI colour codes are what is taken out
    expect(colored.replace(/\u001b\[[\d;]*m/g, ''), 'the same text once the colours are taken out').toBe(
      renderStatus(status(), { color: false }),
    );
  });

  for (const [env, isTTY, expected] of [
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
  ] as const) {
    test(`uses colour ${expected ? 'with' : 'without'} ${JSON.stringify(env)} on ${isTTY ? 'a terminal' : 'a pipe'}`, () => {
      expect(useColor(env, isTTY)).toBe(expected);
    });
  }
});

test('warns first, and fails under --strict, while a recovery file holds tokens an earlier run could not write', () => {
  const env: Env = {
    GOTO_ENV_FILE: '/nonexistent/status.env',
    GOTO_TARGET: 'goto',
    GOTO_REFRESH_TOKEN: refreshToken(2 * DAY),
  };
  const recovery = { path: '/nonexistent/status.env.recovery', keys: ['GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN'] };

  const status = tokenStatus({ settings: loadSettings(env), env, fileValues: {}, now, recovery });

  expect(status.verdict[0]?.tone).toBe('warn');
  expect(status.verdict[0]?.text).toContain(
    'Warning: the recovery file "/nonexistent/status.env.recovery" holds GOTO_ACCESS_TOKEN, GOTO_REFRESH_TOKEN',
  );
  expect(status.verdict[0]?.text).toContain(
    'run `npx playwright test --grep @refresh`: it moves them into the env file',
  );
});

test.describe('npm run status', () => {
  // Each test starts the script as a process; a busy machine may take its time.
  test.describe.configure({ timeout: 5 * 60_000 });
  type Run = { exitCode: number | null; stdout: string; stderr: string };

  /**
   * Runs scripts/status.ts as `npm run status` does, with only PATH and the given variables;
   * bundled (lib/script-bundle.ts) rather than through ts-node, which takes a second
   * per start and many on a loaded machine.
   */
  function runStatus(env: Env, args: string[] = []): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [bundledScript(path.join(repositoryRoot, 'scripts', 'status.ts')), ...args],
        {
          cwd: repositoryRoot,
          // Some tests show how status picks the target from the env file they give it.
          env: childEnv({ NODE_PATH: bundleNodePath(), ...env }, { base: 'path', target: 'from-env-file' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    });
  }

  /** Every secret, and each part of a JWT-shaped one, must be absent from what the script printed. */
  function expectNoSecret(run: Run, secrets: Record<string, string>) {
    for (const [name, secret] of Object.entries(secrets)) {
      for (const piece of [secret, ...(secret.split('.').length === 3 ? secret.split('.').slice(1) : [])]) {
        expect(
          run.stdout.includes(piece) || run.stderr.includes(piece),
          `${name} (or a part of it) is never printed`,
        ).toBe(false);
      }
    }
  }

  test('lists the variables and the tokens’ expiry, exits 0 while the refresh token is good, and prints no secret', async ({}, testInfo) => {
    const started = new Date();
    const secrets = {
      GOTO_CLIENT_SECRET: 'cs+Zx9/K2q=cli-secret',
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      // Half a day past 12 days, so the whole days shown do not depend on how long the child takes.
      GOTO_REFRESH_TOKEN: refreshToken(12.5 * DAY, started),
    };
    const envFile = testInfo.outputPath('status.env');
    await writeFile(
      envFile,
      [
        'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000',
        'GOTO_REDIRECT_URI=https://app.example.com/callback',
        `GOTO_ACCESS_TOKEN=${secrets.GOTO_ACCESS_TOKEN}`,
        `GOTO_ACCESS_TOKEN_EXPIRES_AT=${at(-3.5 * HOUR, started).toISOString()}`,
        `GOTO_REFRESH_TOKEN=${secrets.GOTO_REFRESH_TOKEN}`,
        'GOTO_PRINCIPAL=jane@example.com',
        'GOTO_ORGANIZER_KEY=8439885694023999999',
        '',
      ].join('\n'),
    );

    // The client secret comes from the environment, as in CI.
    const run = await runStatus({ GOTO_ENV_FILE: envFile, GOTO_CLIENT_SECRET: secrets.GOTO_CLIENT_SECRET });

    expect(run.exitCode, run.stderr).toBe(0);
    for (const name of [
      'GOTO_CLIENT_ID',
      'GOTO_CLIENT_SECRET',
      'GOTO_REDIRECT_URI',
      'GOTO_AUTH_CODE',
      'GOTO_ACCESS_TOKEN',
      'GOTO_ACCESS_TOKEN_EXPIRES_AT',
      'GOTO_GRANTED_SCOPE',
      'GOTO_REFRESH_TOKEN',
      'GOTO_PRINCIPAL',
      'GOTO_ORGANIZER_KEY',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${name} +(set|missing)\\b`, 'm'));
    }
    expect(run.stdout).toMatch(/^ {2}GOTO_CLIENT_SECRET +set +environment$/m);
    expect(run.stdout).toMatch(/^ {2}access token +expired 3 h ago /m);
    expect(run.stdout).toMatch(/^ {2}refresh token +17 days left of 30 days +issued 12 days ago/m);
    expect(run.stdout).toMatch(/^ {2}target +goto +GOTO_CLIENT_ID is set$/m);
    expect(run.stdout).toContain('OK: the refresh token has 17 days left');
    expect(run.stdout).toMatch(
      /^Note: this file is one holder of the refresh token, and status asks GoTo nothing\. If another holder \(your app on Vercel, a CI job, another \.env\) has refreshed and received a rotated token, this one no longer works/m,
    );
    expect(run.stdout, 'no colour in a pipe').not.toContain('\u001b[');
    expectNoSecret(run, secrets);
  });

  test('exits 1 when the refresh token has expired with the access token, and prints no secret', async ({}, testInfo) => {
    const started = new Date();
    const secrets = {
      GOTO_CLIENT_SECRET: 'cs+Zx9/K2q=cli-secret-2',
      GOTO_ACCESS_TOKEN: jwt({ typ: 'a' }),
      GOTO_REFRESH_TOKEN: refreshToken(33.5 * DAY, started),
    };
    const envFile = testInfo.outputPath('expired.env');
    await writeFile(
      envFile,
      `GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000\nGOTO_CLIENT_SECRET=${secrets.GOTO_CLIENT_SECRET}\n` +
        `GOTO_ACCESS_TOKEN=${secrets.GOTO_ACCESS_TOKEN}\n` +
        `GOTO_ACCESS_TOKEN_EXPIRES_AT=${at(-3 * DAY, started).toISOString()}\n` +
        `GOTO_REFRESH_TOKEN=${secrets.GOTO_REFRESH_TOKEN}\n`,
    );

    const run = await runStatus({ GOTO_ENV_FILE: envFile });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^ {2}refresh token +expired 3 days ago/m);
    expect(run.stdout).toContain(
      'No usable token: the refresh token expired 3 days ago and the access token has expired.',
    );
    expectNoSecret(run, secrets);
  });

  test('with --strict, exits 1 when the refresh token has fewer than GOTO_REFRESH_WARN_DAYS days left, as the CI check does', async ({}, testInfo) => {
    const started = new Date();
    const envFile = testInfo.outputPath('strict.env');
    await writeFile(
      envFile,
      `GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000\nGOTO_REFRESH_TOKEN=${refreshToken(26.5 * DAY, started)}\n`,
    );

    const relaxed = await runStatus({ GOTO_ENV_FILE: envFile, GOTO_REFRESH_WARN_DAYS: '7' });
    const strict = await runStatus({ GOTO_ENV_FILE: envFile, GOTO_REFRESH_WARN_DAYS: '7' }, ['--strict']);

    expect(relaxed.exitCode, 'a warning alone does not fail').toBe(0);
    expect(strict.exitCode, '--strict fails on it').toBe(1);
    expect(strict.stdout).toContain('Warning: the refresh token expires in 3 days, fewer than 7 days');
  });

  test('shows the scopes of a grant the emulator issued without collab:, warns which calls break, fails under --strict, and sends nothing', async ({
    sandbox,
    emulator,
  }) => {
    const { code } = await emulator.issueCode(sandbox.client.clientId, { scope: 'identity:scim.me' });
    await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
    await sandbox.chain.exchangeCode();
    const values = readEnvValues(sandbox.envFile);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    // The sandbox's scratch env file and an explicit target: never the checkout's .env.
    const env = { GOTO_ENV_FILE: sandbox.envFile, GOTO_TARGET: 'goto' };
    const relaxed = await runStatus(env);
    const strict = await runStatus(env, ['--strict']);

    expect(relaxed.exitCode, relaxed.stderr).toBe(0);
    expect(readEnvValues(sandbox.envFile).GOTO_GRANTED_SCOPE, 'the exchange stored the answer’s scope').toBe(
      'identity:scim.me',
    );
    expect(relaxed.stdout).toMatch(/^ {2}grant +identity:scim\.me +GOTO_GRANTED_SCOPE, from GoTo's token answer$/m);
    expect(relaxed.stdout).toMatch(/^ {2}asked for +every scope of the client +GOTO_SCOPE is not set$/m);
    expect(relaxed.stdout).toMatch(/^ {2}identity:scim\.me +granted +Profile: Users\/me$/m);
    expect(relaxed.stdout).toMatch(/^ {2}collab: +missing +GoToWebinar: the GoTo Webinar API, 13 calls$/m);
    expect(relaxed.stdout).toMatch(/^Warning: scope collab: \("GoToWebinar"\): the grant lacks it .*getWebinars, /m);
    expect(strict.exitCode, '--strict fails on a missing scope').toBe(1);
    expect(await mark.received(), 'status asks GoTo nothing').toEqual([]);
    expectNoSecret(relaxed, {
      GOTO_CLIENT_SECRET: sandbox.client.clientSecret,
      GOTO_AUTH_CODE: code,
      GOTO_ACCESS_TOKEN: values.GOTO_ACCESS_TOKEN ?? '',
      GOTO_REFRESH_TOKEN: values.GOTO_REFRESH_TOKEN ?? '',
    });
  });

  test('exits 2 naming an unknown flag, with the usage, instead of ignoring it', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('flag.env');
    await writeFile(envFile, 'GOTO_CLIENT_ID=a2094c4f-0000-4000-8000-000000000000\n');

    const run = await runStatus({ GOTO_ENV_FILE: envFile }, ['--stirct']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Unknown option '--stirct'");
    expect(run.stderr).toContain('Usage: npm run status [-- --strict]');
    expect(run.stdout, 'nothing is assessed on a bad command line').toBe('');
  });

  test('exits 2 with the settings error when a setting is invalid, never echoing its value', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('invalid.env');
    await writeFile(envFile, 'GOTO_CLIENT_SECRET=cs+Zx9/K2q=cli-secret-3\nGOTO_ACCESS_TOKEN_EXPIRES_AT=tomorrow-ish\n');

    const run = await runStatus({ GOTO_ENV_FILE: envFile, GOTO_TARGET: 'goto' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('GOTO_ACCESS_TOKEN_EXPIRES_AT must be an ISO 8601 time');
    expect(run.stdout).toBe('');
    expectNoSecret(run, { value: 'tomorrow-ish', GOTO_CLIENT_SECRET: 'cs+Zx9/K2q=cli-secret-3' });
  });

  test('colours its report when FORCE_COLOR asks, even in a pipe', async ({}, testInfo) => {
    const envFile = testInfo.outputPath('color.env');
    await writeFile(envFile, `GOTO_REFRESH_TOKEN=${refreshToken(DAY, new Date())}\n`);

    const run = await runStatus({ GOTO_ENV_FILE: envFile, GOTO_TARGET: 'goto', FORCE_COLOR: '1' });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('\u001b[32mset\u001b[0m');
  });
});
