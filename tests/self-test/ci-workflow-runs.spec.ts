import { createHash, randomBytes } from 'node:crypto';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, readEnvValues, stepCustody, stepSender, test, type EmulatorControl, type Sandbox } from './fixtures';
import { TokenChain } from '../../lib/chain/token-chain';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import type { ReceivedRequest } from '../../emulator/control-client';
import { findSecrets } from './helpers/artifacts';
import { markRequests, type RequestsMark } from './helpers/received-since';
import { startRedis, testServerPassword } from './helpers/store-servers';
import { runWorkflow, stopRunningSteps, type WorkflowRun, type WorkflowRunOptions } from './helpers/workflow-run';

/*
 * Our GitHub workflows (.github/workflows/*.yml), run step by step by the workflow harness
 * (helpers/workflow-run.ts) in scratch copies of this checkout, with the emulator playing
 * GoTo: its hosts are in the runner machine's environment, the repository's secrets are a
 * fixture, `gh` is a stand-in that records what it was asked to store. ci-workflow.spec.ts
 * reads the same files; these prove they do what it reads.
 */
test.describe.configure({ timeout: 15 * 60_000 });
test.afterEach(() => stopRunningSteps());

const DAY = 24 * 60 * 60 * 1000;
const fingerprintOf = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
/** The fine-grained token the daily workflow hands gh as GH_TOKEN (a fixture: the stand-in checks it is there). */
const secretsWriter = 'github_pat_fixture_secrets_write_0123456789';

/** A person authorized on their machine and put the client and the refresh token into the repository's secrets. */
async function repositorySecrets(sandbox: Sandbox, emulator: EmulatorControl): Promise<Record<string, string>> {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  return {
    GOTO_CLIENT_ID: sandbox.client.clientId,
    GOTO_CLIENT_SECRET: sandbox.client.clientSecret,
    GOTO_REFRESH_TOKEN: readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN ?? '',
    GOTO_SECRETS_TOKEN: secretsWriter,
  };
}

/** What every run shares: the emulator's hosts on the machine, and every token it issued as a secret no artifact may hold. */
function onEmulator(sandbox: Sandbox, emulator: EmulatorControl, more: Record<string, string> = {}) {
  return {
    machineEnv: { GOTO_AUTH_BASE_URL: emulator.baseUrl, GOTO_API_BASE_URL: emulator.baseUrl },
    moreSecrets: () => issuedTokens(sandbox, emulator, more),
    scratch: test.info().outputPath('runner'),
  } satisfies Partial<WorkflowRunOptions>;
}

async function issuedTokens(sandbox: Sandbox, emulator: EmulatorControl, more: Record<string, string>) {
  const refresh = await emulator.refreshTokens(sandbox.client.clientId);
  const access = await emulator.accessTokens(sandbox.client.clientId);
  return {
    ...Object.fromEntries(refresh.map((token, index) => [`refresh token #${index + 1}`, token.token])),
    ...Object.fromEntries(access.map((token, index) => [`access token #${index + 1}`, token.token])),
    ...more,
  };
}

/** The token requests GoTo received since `mark`, as grant types and fingerprints of the refresh token sent: a failure never prints a token. */
async function tokenRequestsSince(mark: RequestsMark<ReceivedRequest>) {
  return (await mark.received('token')).map((request) => ({
    grant: request.form?.grant_type,
    refreshToken: request.form?.refresh_token ? fingerprintOf(request.form.refresh_token) : undefined,
  }));
}

const oneRefreshWith = (refreshToken: string | null | undefined) => [
  { grant: 'refresh_token', refreshToken: fingerprintOf(refreshToken ?? '') },
];

async function currentRefreshToken(sandbox: Sandbox, emulator: EmulatorControl): Promise<string> {
  const current = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.current);
  expect(current.length, 'the grant has one current refresh token').toBe(1);
  return current[0]?.token ?? '';
}

function expectNoSecretInLog(run: WorkflowRun, secrets: Record<string, string>, more: Record<string, string>) {
  const all = { ...secrets, ...more };
  expect(findSecrets([{ name: 'the run’s log', text: run.log }], all), 'the steps print no secret').toEqual([]);
}

const outcomes = (run: WorkflowRun, job: string) =>
  run.jobs.filter((leg) => leg.id === job).flatMap((leg) => leg.steps.map((step) => [step.name, step.outcome]));

test.describe('the daily workflow (goto-tokens.yml)', () => {
  test('when a check fails after GoTo rotated the refresh token, the rotated token is still saved to the GOTO_REFRESH_TOKEN secret', async ({
    sandbox,
    emulator,
  }) => {
    const secrets = await repositorySecrets(sandbox, emulator);
    // Users/me answers 500 all run long: its check (and every check that needs the organizer key) fails after the refresh.
    await emulator.addFault(sandbox.client.clientId, {
      route: 'users-me',
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: '{"errorCode":"InternalError","description":"emulated failure"}',
      times: 1000,
    });

    const received = await markRequests(emulator, sandbox.client.clientId);
    const run = await runWorkflow('goto-tokens.yml', { event: 'schedule', secrets, ...onEmulator(sandbox, emulator) });

    expect(outcomes(run, 'daily-chain')).toEqual([
      ['Run actions/checkout@v4', 'success'],
      ['Run actions/setup-node@v4', 'success'],
      ['Run npm ci', 'success'],
      ['Refresh, then check Users/me and the webinar list', 'failure'],
      ['Keep a rotated refresh token', 'success'],
      ['Refresh token lifetime', 'skipped'],
      ['Upload the HTML report', 'success'],
      ['Upload the JUnit results', 'success'],
    ]);
    expect(run.step('daily-chain', 'Refresh, then check Users/me and the webinar list').output).toContain(
      'HTTP 500 InternalError',
    );
    expect(await tokenRequestsSince(received), 'one refresh, with the secret’s token').toEqual(
      oneRefreshWith(secrets.GOTO_REFRESH_TOKEN),
    );
    const rotated = await currentRefreshToken(sandbox, emulator);
    expect(rotated === secrets.GOTO_REFRESH_TOKEN, 'GoTo rotated it').toBe(false);
    expect(run.gh.map((call) => [call.args, call.stored?.name, call.stored?.repository, call.token])).toEqual([
      [
        ['secret', 'set', 'GOTO_REFRESH_TOKEN', '--repo', 'acme/webinars'],
        'GOTO_REFRESH_TOKEN',
        'acme/webinars',
        fingerprintOf(secretsWriter),
      ],
    ]);
    expect(run.gh[0]?.stored?.value === rotated, 'the secret now holds the token GoTo accepts').toBe(true);
    expect(run.conclusion).toBe('failure');
    expectNoSecretInLog(run, secrets, await issuedTokens(sandbox, emulator, {}));
  });

  for (const { days, outcome } of [
    { days: 20, outcome: 'success' },
    { days: 27, outcome: 'failure' },
  ] as const) {
    test(`with a refresh token GoTo does not renew, status --strict ${outcome === 'success' ? 'passes' : 'fails the run'} ${days} days after the person authorized (warned under 7 days left)`, async ({
      sandbox,
      emulator,
    }) => {
      // The 2020 reading of GoTo's pages: the same refresh token for its 30 days.
      await emulator.updateClient(sandbox.client.clientId, { rotation: 'never' });
      const secrets = await repositorySecrets(sandbox, emulator);
      await emulator.advanceClock(sandbox.client.clientId, (days * DAY) / 1000);

      const received = await markRequests(emulator, sandbox.client.clientId);
      const run = await runWorkflow('goto-tokens.yml', {
        event: 'schedule',
        secrets,
        clockAheadMs: days * DAY,
        ...onEmulator(sandbox, emulator),
      });

      expect(run.step('daily-chain', 'Refresh, then check Users/me and the webinar list').outcome).toBe('success');
      expect(run.step('daily-chain', 'Keep a rotated refresh token').output).toContain('was not rotated');
      expect(run.gh, 'no secret written: nothing rotated').toEqual([]);
      const lifetime = run.step('daily-chain', 'Refresh token lifetime');
      expect(lifetime.outcome).toBe(outcome);
      if (outcome === 'failure') {
        // 3 days less the seconds since the exchange: status counts whole days left.
        expect(lifetime.output).toContain('Warning: the refresh token expires in 2 days, fewer than 7 days');
      } else {
        expect(lifetime.output).not.toContain('Warning');
      }
      expect(run.conclusion).toBe(outcome);
      expect(await tokenRequestsSince(received), 'one refresh').toEqual(oneRefreshWith(secrets.GOTO_REFRESH_TOKEN));
    });
  }

  test('run by hand with refresh_warn_days 2, status --strict passes 27 days after the person authorized', async ({
    sandbox,
    emulator,
  }) => {
    await emulator.updateClient(sandbox.client.clientId, { rotation: 'never' });
    const secrets = await repositorySecrets(sandbox, emulator);
    await emulator.advanceClock(sandbox.client.clientId, (27 * DAY) / 1000);

    const received = await markRequests(emulator, sandbox.client.clientId);
    const run = await runWorkflow('goto-tokens.yml', {
      event: 'workflow_dispatch',
      inputs: { refresh_warn_days: '2' },
      secrets,
      clockAheadMs: 27 * DAY,
      ...onEmulator(sandbox, emulator),
    });

    expect(run.step('daily-chain', 'Refresh token lifetime').outcome).toBe('success');
    expect(run.conclusion).toBe('success');
    expect(await tokenRequestsSince(received), 'one refresh').toEqual(oneRefreshWith(secrets.GOTO_REFRESH_TOKEN));
  });
});

test.describe('the sharded workflow (goto-tokens-sharded.yml)', () => {
  test('the whole pipeline, a refresh job, its four shards and the merge, sends GoTo exactly one refresh', async ({
    sandbox,
    emulator,
  }) => {
    const secrets: Record<string, string> = {
      ...(await repositorySecrets(sandbox, emulator)),
      GOTO_ENV_PASSPHRASE: 'fixture-passphrase-for-the-env-file',
    };

    const received = await markRequests(emulator, sandbox.client.clientId);
    const run = await runWorkflow('goto-tokens-sharded.yml', {
      event: 'workflow_dispatch',
      secrets,
      ...onEmulator(sandbox, emulator),
    });

    expect(
      run.jobs.map((job) => [job.name, job.result]),
      run.log,
    ).toEqual([
      ['refresh', 'success'],
      ['api-checks (1)', 'success'],
      ['api-checks (2)', 'success'],
      ['api-checks (3)', 'success'],
      ['api-checks (4)', 'success'],
      ['merge-reports', 'success'],
    ]);
    expect(await tokenRequestsSince(received), 'one refresh for the whole pipeline, no other token request').toEqual(
      oneRefreshWith(secrets.GOTO_REFRESH_TOKEN),
    );
    const rotated = await currentRefreshToken(sandbox, emulator);
    expect(run.gh.map((call) => call.stored?.name)).toEqual(['GOTO_REFRESH_TOKEN']);
    expect(run.gh[0]?.stored?.value === rotated, 'the rotated token is saved').toBe(true);
    const shards = await Promise.all(
      [1, 2, 3, 4].map((shard) => readdir(path.join(run.artifacts, `blob-report-${shard}`))),
    );
    expect(
      shards.map((files) => files.map((file) => /^report-\w+-(\d)\.zip$/.exec(file)?.[1])),
      'each shard uploaded its blob report',
    ).toEqual([['1'], ['2'], ['3'], ['4']]);
    const junit = await readFile(path.join(run.artifacts, 'junit-results', 'junit-results.xml'), 'utf8');
    const totals = /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(junit);
    expect(Number(totals?.[1]), 'the merged results count the shards’ checks').toBeGreaterThan(0);
    expect(Number(totals?.[2]), 'none failed').toBe(0);
    expectNoSecretInLog(run, secrets, await issuedTokens(sandbox, emulator, {}));
  });
});

test.describe('the grant store workflow (goto-tokens-store.yml)', () => {
  test('a run that refreshes and rotates through the grant store on Redis writes nothing to GitHub’s secrets; the store keeps the rotated token', async ({
    sandbox,
    emulator,
  }) => {
    const redis = await startRedis();
    try {
      const key = randomBytes(32).toString('base64');
      const store = { GOTO_GRANT_STORE: redis.url, GOTO_GRANT_STORE_KEY: key };
      const laptop = await grantInStore(sandbox, emulator, store);
      const before = await readGrant(laptop);
      const secrets = {
        GOTO_CLIENT_ID: sandbox.client.clientId,
        GOTO_CLIENT_SECRET: sandbox.client.clientSecret,
        ...store,
        // There for a workflow that would write it: this one must not.
        GOTO_SECRETS_TOKEN: secretsWriter,
      };
      const more = { 'the store’s password': testServerPassword, 'the store’s key': key };

      const received = await markRequests(emulator, sandbox.client.clientId);
      const run = await runWorkflow('goto-tokens-store.yml', {
        event: 'schedule',
        secrets,
        ...onEmulator(sandbox, emulator, more),
      });

      expect(outcomes(run, 'daily-chain').map(([, outcome]) => outcome)).not.toContain('failure');
      expect(run.conclusion, run.log).toBe('success');
      expect(run.gh, 'gh was never asked for anything').toEqual([]);
      expect(await tokenRequestsSince(received), 'one refresh, with the stored token').toEqual(
        oneRefreshWith(before.record.refreshToken),
      );
      const after = await readGrant(laptop);
      expect(after.version, 'the run committed the next version').toBeGreaterThan(before.version);
      expect(after.record.refreshToken === (await currentRefreshToken(sandbox, emulator)), 'the rotated token').toBe(
        true,
      );
      const envFile = readEnvValues(path.join(run.jobs[0]?.workspace ?? '', '.env.ci'));
      expect(
        Object.keys(envFile).filter((name) => /TOKEN/.test(name)),
        'the runner’s env file holds no token',
      ).toEqual([]);
      expectNoSecretInLog(run, secrets, await issuedTokens(sandbox, emulator, more));
    } finally {
      await redis.stop();
    }
  });
});

/** A laptop exchanged a code into the store; its access token is made stale so the workflow's run refreshes. */
async function grantInStore(sandbox: Sandbox, emulator: EmulatorControl, store: Record<string, string>) {
  const envFile = test.info().outputPath('laptop.env');
  await copyFile(sandbox.envFile, envFile);
  const laptop = { ...sandbox.env, ...store, GOTO_ENV_FILE: envFile };
  const chain = new TokenChain(stepSender(), laptop, { custody: stepCustody(test.info()) });
  await chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  const grants = await openGrantStore(laptop);
  try {
    const first = await grants.read();
    if (!first) throw new Error('the exchange stored no grant');
    await grants.commit(first.version, {
      ...first.record,
      accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
  } finally {
    await grants.close();
  }
  return laptop;
}

async function readGrant(env: Record<string, string | undefined>) {
  const grants = await openGrantStore(env);
  try {
    const read = await grants.read();
    if (!read) throw new Error('the store holds no grant');
    return read;
  } finally {
    await grants.close();
  }
}
