import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import * as z from 'zod';
import { expect, test } from './fixtures';
import * as errors from '../../lib/errors';
import {
  ApiBodyError,
  ApiNetworkError,
  ApiStatusError,
  AuthCodeError,
  AuthorizeError,
  ConfigError,
  CustodianError,
  deserializeError,
  EnvFileError,
  errorClasses,
  GotoRunnerError,
  GrantHolderError,
  GrantStoreError,
  GrantTransferError,
  isGotoRunnerError,
  RateLimiterError,
  serializeError,
  TokenRequestWithheldError,
  VercelSyncError,
  type ErrorClassName,
} from '../../lib/errors';
import { gotoApiService, gotoAuthService, vercelApiService } from '../../requests/api-service';
import { retryLaterAdvice } from '../../requests/generic-advice';

/*
 * The pattern every error of lib/errors/ follows (lib/errors/goto-runner-error.ts): a code,
 * facts as fields, a headline and advice, one function making the message of them; each
 * class registered by name, so an error crosses from the custodian's process of its own
 * class and `isGotoRunnerError` knows it, as ky's `isKyError` does.
 */

const root = path.resolve(__dirname, '../..');

const refresh = { service: gotoAuthService, step: 'refresh the access token', method: 'POST', path: '/oauth/token' };
const statusFailure = new ApiStatusError({
  ...refresh,
  facts: { status: 400, error: 'invalid_grant', description: 'refresh token has expired' },
  stepAdvice: () => 'authorize again',
});
const upsert = {
  service: vercelApiService,
  step: 'save the GoTo values as Vercel environment variables (production)',
  method: 'POST',
  path: '/v10/projects/prj_1/env',
};
const syncProgress = {
  targets: ['production', 'preview'] as const,
  done: [],
  failedAt: 'production' as const,
  recordKey: 'GOTO_TOKEN_RUNNER_SYNCED',
};
const lockHolder = {
  lockFile: '/app/.env.lock',
  pid: 4242,
  host: 'build-7',
  since: '2026-03-02T10:00:01.000Z',
  purpose: 'refresh the access token',
};

/** One error or more of every class, its facts written out. A class missing here does not compile. */
const samples: { [Name in ErrorClassName]: InstanceType<(typeof errorClasses)[Name]>[] } = {
  ApiStatusError: [statusFailure],
  ApiNetworkError: [
    new ApiNetworkError({
      ...refresh,
      url: new URL('https://authentication.logmeininc.com/oauth/token'),
      timedOut: true,
      reason: 'timeout',
      timeoutMs: 30_000,
      mayHaveArrived: true,
      attempts: 1,
    }),
  ],
  ApiBodyError: [
    new ApiBodyError({ ...refresh, status: 200, notJson: { empty: false, mediaType: 'text/html' } }),
    new ApiBodyError({
      ...refresh,
      status: 200,
      issues: z.object({ access_token: z.string() }).safeParse({}).error?.issues ?? [],
    }),
  ],
  ConfigError: [
    new ConfigError(['GOTO_CLIENT_ID is not set', 'GOTO_REDIRECT_URI must be a URL'], '.env'),
    new ConfigError(['GOTO_GRANT_STORE is not set'], undefined),
  ],
  EnvFileError: [
    new EnvFileError('ENV_FILE_LOCKED', { path: '/app/.env', holder: lockHolder, timeoutMs: 2000, nothingSent: true }),
    new EnvFileError('ENV_FILE_UNREPRESENTABLE_VALUE', { key: 'GOTO_CLIENT_SECRET', obstacles: ['a line break'] }),
    new EnvFileError('ENV_FILE_WRITE_FAILED', {
      path: '/app/.env',
      lockFile: '/srv/shared/.env.lock',
      operation: 'create-lock',
      reason: 'EACCES',
    }),
    new EnvFileError('ENV_FILE_NOT_WRITABLE', { path: '/app/.env', step: 'refresh the access token', reason: 'EROFS' }),
    new EnvFileError('ENV_FILE_ANSWER_LOST', {
      path: '/app/.env',
      step: 'refresh the access token',
      reason: 'ENOSPC',
      recoveryFile: '/app/.env.recovery',
      recoveryReason: 'ENOSPC',
    }),
  ],
  AuthCodeError: [
    new AuthCodeError('AUTH_CODE_EXPIRED', { expiredMsAgo: 61_000 }),
    new AuthCodeError('AUTH_CODE_OTHER_REDIRECT'),
  ],
  AuthorizeError: [
    new AuthorizeError('AUTHORIZE_DENIED', { error: 'access_denied', description: 'The user denied access' }),
    new AuthorizeError('AUTHORIZE_NO_BROWSER', { missing: 'chromium-path', chromiumPath: '/opt/none/chrome' }),
  ],
  CustodianError: [
    new CustodianError('CUSTODIAN_ENDED', { pid: 4242, signal: 'SIGKILL' }),
    new CustodianError('CUSTODIAN_NOT_STARTED', { reason: 'EAGAIN' }),
  ],
  TokenRequestWithheldError: [
    new TokenRequestWithheldError('TOKEN_REQUESTS_OFF', {
      step: 'get a token for this run',
      needed: 'a-stored-token',
      envFile: '/app/.env',
      minValidityMs: 600_000,
    }),
    new TokenRequestWithheldError('TOKEN_EARLIER_FAILURE', {
      step: 'get a token for this run',
      earlier: {
        step: refresh.step,
        code: statusFailure.code,
        headline: statusFailure.headline,
        advice: statusFailure.advice,
      },
    }),
  ],
  RateLimiterError: [new RateLimiterError({ url: 'http://127.0.0.1:40123', reason: 'ECONNREFUSED' })],
  GrantStoreError: [
    new GrantStoreError('GRANT_STORE_TIMEOUT', {
      store: 'redis',
      address: 'cache.example.com:6380',
      operation: 'commit version 8',
      reason: 'timeout',
      timeoutMs: 5000,
      mayHaveLanded: true,
    }),
    new GrantStoreError('GRANT_STORE_TIMEOUT', {
      store: 'env-file',
      address: '/app/.env',
      operation: 'read the grant',
      reason: 'locked',
      timeoutMs: 60_000,
      lockHolder,
    }),
  ],
  GrantHolderError: [
    new GrantHolderError('GRANT_ANSWER_NOT_COMMITTED', {
      store: 'postgres',
      address: 'db.example.com:5432',
      grant: 'default',
      version: 7,
      storeVersion: 8,
      notCommitted: 'version-changed',
    }),
  ],
  GrantTransferError: [
    new GrantTransferError('GRANT_RECOVERY_WAITING', {
      command: 'move-to-store',
      envFile: '/app/.env',
      recoveryKeys: ['GOTO_REFRESH_TOKEN', 'GOTO_ACCESS_TOKEN'],
    }),
  ],
  VercelSyncError: [
    new VercelSyncError('VERCEL_HTTP_STATUS', {
      failure: new ApiStatusError({
        ...upsert,
        facts: { status: 403, error: 'forbidden', description: 'Not authorized' },
        stepAdvice: () => 'Vercel did not accept VERCEL_TOKEN for this project',
      }),
      progress: syncProgress,
    }),
    new VercelSyncError('VERCEL_CONFIG', { problems: ['VERCEL_TARGETS must list …'], source: '.env' }),
  ],
};

const allSamples = Object.values(samples).flat();

/** `ConfigError 2 (CONFIG_INVALID)`: which sample a title is about. */
const titled = Object.values(samples).flatMap((ofClass) =>
  ofClass.map((error, index) => ({ error, title: `${error.name} ${index + 1} (${error.code})` })),
);

/** The error's own enumerable fields as JSON has them: what a copy of it must hold too. */
function facts(error: Error): unknown {
  return JSON.parse(JSON.stringify({ ...error })) as unknown;
}

/** Every `class … extends GotoRunnerError` in the code base, by name. */
function classesInSource(): string[] {
  const names: string[] = [];
  for (const folder of ['lib', 'fixtures', 'scripts', 'requests', 'reporters', 'bench']) {
    const files = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts'),
    );
    for (const file of files) {
      const text = readFileSync(path.join(file.parentPath, file.name), 'utf8');
      for (const match of text.matchAll(/class (\w+) extends GotoRunnerError\b/g)) names.push(match[1] ?? '');
    }
  }
  return names.sort();
}

test('every error class of the code base, and every one lib/errors exports, is registered by its name', () => {
  const exported = Object.entries(errors)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof GotoRunnerError)
    .map(([name]) => name)
    .sort();
  const registered = Object.keys(errorClasses).sort();

  expect(exported.length, 'lib/errors exports its classes').toBeGreaterThan(10);
  expect(exported).toEqual(registered);
  expect(classesInSource()).toEqual(registered);
  for (const [name, Class] of Object.entries(errorClasses))
    expect(Class.name, 'registered under its own name').toBe(name);
});

for (const { error, title } of titled) {
  test(`${title} crosses a JSON round trip as its own class, with every fact`, () => {
    const copy = deserializeError(JSON.parse(JSON.stringify(serializeError(error))) as errors.SerializedError);

    expect(copy).toBeInstanceOf(errorClasses[error.name as ErrorClassName]);
    expect(copy.name).toBe(error.name);
    expect(copy.message).toBe(error.message);
    expect(facts(copy)).toEqual(facts(error));
    expect(isGotoRunnerError(copy, error.name as ErrorClassName)).toBe(true);
  });

  test(`${title}: the message is the headline, its details, "What to do:" and the advice`, () => {
    const lines = [error.headline, ...error.details, `What to do: ${error.advice}`];

    expect(error.message.startsWith(lines.join('\n')), error.message).toBe(true);
    expect(error.message.split('What to do:'), '"What to do:" once').toHaveLength(2);
    expect(error.advice, 'the advice is a sentence').toMatch(/[.!?]$/);
  });
}

test('every error code declared in lib/errors/ reads AREA_CONDITION, with an area of the scheme and no GOTO_ prefix', () => {
  const folder = path.join(root, 'lib/errors');
  const codes = readdirSync(folder)
    .filter((name) => name.endsWith('-error.ts'))
    .flatMap((name) => {
      const text = readFileSync(path.join(folder, name), 'utf8');
      const unions = [
        ...text.matchAll(/export type \w+ErrorCode =([\s\S]*?'[A-Z0-9_]+';)/g),
        ...text.matchAll(/code: ('[^;]+);/g),
      ];
      return unions.flatMap((union) => [...(union[1] ?? '').matchAll(/'([A-Z0-9_]+)'/g)].map((found) => found[1]));
    });

  expect(codes.length, 'lib/errors declares its codes').toBeGreaterThan(50);
  const areas = 'API|CONFIG|ENV_FILE|AUTH_CODE|AUTHORIZE|CUSTODIAN|TOKEN|RATE_LIMITER|GRANT_STORE|GRANT|VERCEL';
  for (const code of codes) expect(code).toMatch(new RegExp(`^(${areas})_[A-Z0-9]+(_[A-Z0-9]+)*$`));
  for (const sample of allSamples) expect(codes, 'the samples use declared codes').toContain(sample.code);
});

test('"What to do:" is written in one place of the code, the function that makes every message', () => {
  const writers: string[] = [];
  for (const folder of ['lib', 'fixtures', 'scripts', 'requests', 'reporters', 'bench']) {
    const files = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts'),
    );
    for (const file of files) {
      const source = path.join(file.parentPath, file.name);
      if (/`What to do: \$\{|['"`]What to do:/.test(readFileSync(source, 'utf8')))
        writers.push(path.relative(root, source));
    }
  }

  expect(writers).toEqual([path.join('lib', 'errors', 'error-message.ts')]);
});

test('an error of ours as the cause crosses whole, of its own class; any other cause as its system code only', () => {
  const [wrapped] = samples.VercelSyncError;
  const failedWrite = new EnvFileError(
    'ENV_FILE_WRITE_FAILED',
    { path: '/app/.env', operation: 'write', reason: 'ENOSPC' },
    { cause: Object.assign(new Error('ENOSPC: no space left on device, write /app/.env'), { code: 'ENOSPC' }) },
  );

  const copy = deserializeError(JSON.parse(JSON.stringify(serializeError(wrapped))) as errors.SerializedError);
  const systemCopy = deserializeError(
    JSON.parse(JSON.stringify(serializeError(failedWrite))) as errors.SerializedError,
  );

  expect(copy.cause).toBeInstanceOf(ApiStatusError);
  expect(facts(copy.cause as Error)).toEqual(facts(wrapped?.cause as Error));
  expect(systemCopy.cause, 'the code, not the message with its path').toEqual({ code: 'ENOSPC' });
});

test('isGotoRunnerError knows an error made by another bundle of the classes, where instanceof does not', ({}, testInfo) => {
  // What a bundler does when an app loads the broker's bundle beside its own copy of the classes.
  const bundle = testInfo.outputPath('errors-bundle.cjs');
  const built = buildSync({
    entryPoints: [path.join(root, 'lib/errors/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  });
  writeFileSync(bundle, built.outputFiles[0]?.contents ?? '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const other = require(bundle) as typeof errors;
  const foreign = new other.GrantHolderError('GRANT_NEEDS_REAUTH', {
    store: 'redis',
    address: 'cache.example.com:6380',
    grant: 'default',
    version: 9,
  });

  expect(foreign instanceof GrantHolderError, 'another copy of the class').toBe(false);
  expect(isGotoRunnerError(foreign)).toBe(true);
  expect(isGotoRunnerError(foreign, 'GrantHolderError')).toBe(true);
  expect(isGotoRunnerError(foreign, 'GrantStoreError')).toBe(false);
  expect(other.isGotoRunnerError(statusFailure, 'ApiStatusError'), 'and the other way round').toBe(true);
});

test('isGotoRunnerError refuses a plain Error, an Error named like ours without a code, and what is not an object', () => {
  const impostor = Object.assign(new Error('x'), { name: 'ConfigError' });

  expect(isGotoRunnerError(new Error('x'))).toBe(false);
  expect(isGotoRunnerError(impostor)).toBe(false);
  expect(isGotoRunnerError(Object.assign(new Error('x'), { name: 'SomeError', code: 'X_Y' }))).toBe(false);
  for (const value of [undefined, null, 'ConfigError', 42]) expect(isGotoRunnerError(value)).toBe(false);
});

test('ApiBodyError keeps the schema’s issues as data, without the input even when a schema reports it', () => {
  const token = 'eyJ-looks-like-a-token-7f3a';
  const refused = z.object({ expires_in: z.number() }).safeParse({ expires_in: token }, { reportInput: true });
  const issues = refused.error?.issues ?? [];
  expect(issues[0], 'zod holds the input when asked to').toHaveProperty('input', token);

  const error = new ApiBodyError({ ...refresh, status: 200, issues });

  expect(error.issues).toEqual([
    {
      code: 'invalid_type',
      expected: 'number',
      path: ['expires_in'],
      message: 'Invalid input: expected number, received string',
    },
  ]);
  expect(error.problem).toMatch(/expected number, received string\s+→ at expires_in/);
  expect(JSON.stringify(serializeError(error)).includes(token), 'nothing of the value crosses').toBe(false);
  expect(error.message.includes(token)).toBe(false);
});

test('a step withheld after an earlier failure says that failure’s details too, as the run ledger keeps them', () => {
  const notJson = new ApiBodyError({ ...refresh, status: 200, notJson: { empty: false, mediaType: 'text/html' } });
  const config = new ConfigError(['GOTO_CLIENT_ID is not set', 'GOTO_REDIRECT_URI must be a URL'], '.env');

  for (const failure of [notJson, config]) {
    const earlier = JSON.parse(
      JSON.stringify({
        step: refresh.step,
        code: failure.code,
        headline: failure.headline,
        details: failure.details,
        advice: failure.advice,
      }),
    ) as errors.EarlierFailure;
    const withheld = new TokenRequestWithheldError('TOKEN_EARLIER_FAILURE', {
      step: 'get a token for this run',
      earlier,
    });

    expect(failure.details.length, `${failure.code} has details to lose`).toBeGreaterThan(0);
    expect(withheld.details).toEqual([failure.headline, ...failure.details]);
    expect(withheld.message).toContain([failure.headline, ...failure.details].join('\n'));
    expect(withheld.advice).toBe(failure.advice);
  }

  // A ledger written before details were kept: the headline alone, as then.
  const withheld = new TokenRequestWithheldError('TOKEN_EARLIER_FAILURE', {
    step: 'get a token for this run',
    earlier: { step: refresh.step, code: notJson.code, headline: notJson.headline, advice: notJson.advice },
  });
  expect(withheld.details).toEqual([notJson.headline]);
});

test('an env-file grant store that stayed locked names the lock file to delete, as its holder says it', () => {
  const locked = samples.GrantStoreError.find((error) => error.reason === 'locked');

  expect(locked?.advice).toContain(`delete the lock file ${JSON.stringify(lockHolder.lockFile)} if no such process`);
});

test('VercelSyncError keeps the sender’s error as its cause and says its headline and advice, then how far the sync got', () => {
  const [error] = samples.VercelSyncError;
  const cause = error?.cause as ApiStatusError;

  expect(cause).toBeInstanceOf(ApiStatusError);
  expect(error?.message).toBe(
    `${cause.headline}\nWhat to do: ${cause.advice}\n` +
      'Nothing was saved on Vercel. Not saved: production, preview (stopped at production). No redeploy happened. ' +
      'The env file was not changed. Running the sync again is safe.',
  );
  expect(error).toMatchObject({
    step: upsert.step,
    status: 403,
    vercelCode: 'forbidden',
    vercelMessage: 'Not authorized',
  });
});

test('the advice for a 429 names the service that answered', () => {
  const retryLater = { waitMs: 600_000, now: Date.parse('2026-03-02T09:00:00Z'), longerThanMs: 30_000 };

  for (const [service, says] of [
    [gotoApiService, 'GoTo is rate limiting (10 requests per second per API) and asked to wait 600 s'],
    [vercelApiService, 'Vercel is rate limiting and asked to wait 600 s'],
  ] as const) {
    expect(retryLaterAdvice(429, service, retryLater)).toContain(says);
  }
});
