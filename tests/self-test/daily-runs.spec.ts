import { readFile, writeFile } from 'node:fs/promises';
import { envSnapshot, expect, readEnvValues, test, type Sandbox } from './fixtures';
import type { Fault } from '../../emulator/control-client';
import { runCollection } from './helpers/run-collection';
import type { ReportedStep, ReportedTest } from './helpers/step-tree-reporter';

// These run `npx playwright test` itself, against the emulator as if it were GoTo
// (GOTO_TARGET=goto, loopback base URLs), the way a user's laptop or CI job does.
test.describe.configure({ timeout: 10 * 60_000 });

function targetGoto(sandbox: Sandbox, testOutput: string) {
  return (run: string) => runCollection(sandbox.env, ['--reporter=line', `--output=${testOutput}/${run}`]);
}

test('exchanges a pasted code once, then keeps refreshing daily against a rotating server, ending with the refresh token it still accepts', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh' });
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await writeFile(
    sandbox.envFile,
    `${await readFile(sandbox.envFile, 'utf8')}# pasted from the address bar\nGOTO_AUTH_CODE="https://app.example.com/callback?code=${code}&state=x"\n`,
  );
  const run = targetGoto(sandbox, testInfo.outputPath());
  const outputs: string[] = [];

  await test.step('first run: exchange, refresh, API checks', async () => {
    const first = await run('run-1');
    outputs.push(first.output);
    expect(first.exitCode, first.output).toBe(0);
    expect(readEnvValues(sandbox.envFile), 'the used code is removed from the file').not.toHaveProperty(
      'GOTO_AUTH_CODE',
    );
  });

  for (const day of [2, 3]) {
    await test.step(`daily run ${day}: refresh and API checks`, async () => {
      const daily = await run(`run-${day}`);
      outputs.push(daily.output);
      expect(daily.exitCode, daily.output).toBe(0);
    });
  }

  const tokenRequests = (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.route === 'token',
  );
  expect(
    tokenRequests.map((request) => request.form?.grant_type),
    'one exchange, then one refresh per run',
  ).toEqual(['authorization_code', 'refresh_token', 'refresh_token', 'refresh_token']);
  const received = await emulator.requests(sandbox.client.clientId);
  expect(
    received.filter((request) => request.route === 'webinar').length,
    'the webinar read checks ran in every run',
  ).toBe(3);
  expect(
    received.filter((request) => request.method !== 'GET' && request.path.startsWith('/G2W/')),
    'against GoTo no check wrote anything (@write is left out unless asked for)',
  ).toEqual([]);
  const issued = await emulator.refreshTokens(sandbox.client.clientId);
  const stillAccepted = issued.filter((token) => token.active).map((token) => token.token);
  expect(stillAccepted, 'exactly one refresh token is still accepted').toHaveLength(1);
  expect(readEnvValues(sandbox.envFile).GOTO_REFRESH_TOKEN === stillAccepted[0], 'the file ends with it').toBe(true);
  const secrets = [sandbox.client.clientSecret, code, ...issued.map((token) => token.token)];
  for (const output of outputs) {
    expect(
      secrets.filter((secret) => output.includes(secret)),
      'the runs print no secret',
    ).toEqual([]);
  }
});

test('fails before any request when settings are missing, listing each missing variable and leaving the file as it was', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await writeFile(sandbox.envFile, '# only a comment\nGOTO_CLIENT_ID=\n');
  const before = envSnapshot(sandbox.envFile);

  const result = await targetGoto(sandbox, testInfo.outputPath())('run');

  expect(result.exitCode, 'the run fails').not.toBe(0);
  for (const name of ['GOTO_CLIENT_ID', 'GOTO_CLIENT_SECRET', 'GOTO_REFRESH_TOKEN']) {
    expect(result.output, `the message names ${name}`).toContain(`${name} is not set`);
  }
  expect(result.output).toContain('https://developer.logmeininc.com/clients');
  expect(envSnapshot(sandbox.envFile)).toEqual(before);
  expect(await emulator.requests(sandbox.client.clientId), 'nothing was sent').toEqual([]);
});

test('under `npm test` the collection runs on the emulator and leaves the env file the shell names untouched', async ({}, testInfo) => {
  const userFile = testInfo.outputPath('user.env');
  await writeFile(
    userFile,
    '# a real user file\nGOTO_CLIENT_ID=a2094c4f-868a-4339-934f-4da2d788d0aa\nGOTO_CLIENT_SECRET=real-secret-value\nGOTO_REFRESH_TOKEN=real-refresh-token\n',
    { mode: 0o600 },
  );
  const before = await readFile(userFile);

  const result = await runCollection(
    { npm_lifecycle_event: 'test', GOTO_TARGET: 'goto', GOTO_ENV_FILE: userFile },
    // The collection only: the self-tests would run this test again.
    ['tests/collection', '--reporter=line', `--output=${testInfo.outputPath('run')}`],
  );

  expect(result.exitCode, result.output).toBe(0);
  expect(result.output, 'the chain ran on the emulator, from the exchange of the code its login got').toMatch(
    /\[collection\] › tests\/collection\/10-tokens\.spec\.ts:\d+:\d+ › exchanges the authorization code/,
  );
  expect((await readFile(userFile)).equals(before), 'the user file is byte-identical').toBe(true);
});

test('a failed refresh stops the run’s checks, each naming the step that failed, with no second token request', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  // 31 days on: the refresh token has expired (they last 30).
  await emulator.advanceClock(sandbox.client.clientId, 31 * 86_400);
  const before = await readFile(sandbox.envFile);

  const result = await runCollection(sandbox.env, [
    '--workers=2',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(result.exitCode, 'the run fails').not.toBe(0);
  expect(result.output).toContain(
    'Step "refresh the access token" failed: POST /oauth/token answered HTTP 400 invalid_grant',
  );
  const stopped =
    result.output.match(
      /Step "refresh the access token" failed earlier in this run, so no other token request was sent/g,
    ) ?? [];
  // Users/me and the webinar list (20-api-checks), and the nine read checks of 30-webinar-checks.
  expect(stopped.length, 'every API check says which step failed').toBe(11);
  const refreshes = (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.form?.grant_type === 'refresh_token',
  );
  expect(refreshes, 'one token request for the whole run').toHaveLength(1);
  expect((await readFile(sandbox.envFile)).equals(before), 'the env file is as it was').toBe(true);
});

test('an unknown GOTO_TARGET stops the run before any request, naming the variable and its choices', async ({
  sandbox,
  emulator,
}, testInfo) => {
  const result = await runCollection({ ...sandbox.env, GOTO_TARGET: 'staging' }, [
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(result.exitCode, 'the run fails').not.toBe(0);
  expect(result.output).toContain('GOTO_TARGET must be `emulator` or `goto`');
  expect(await emulator.requests(sandbox.client.clientId), 'nothing was sent').toEqual([]);
});

test('against GoTo, --grep @write runs the check that registers a person, and it deletes the registrant even when it fails', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  // Reading the new registrant back fails: the check fails after it created one.
  await emulator.addFault(sandbox.client.clientId, {
    route: 'registrant',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: '{"errorCode":"InternalError","description":"emulated failure"}',
  });

  const result = await runCollection(sandbox.env, [
    '--grep',
    '@write',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(result.exitCode, 'the check failed').not.toBe(0);
  expect(result.output).toContain('registers a person for the next webinar');
  expect(result.output).toContain('HTTP 500 InternalError');
  const received = await emulator.requests(sandbox.client.clientId);
  const created = received.filter((request) => request.route === 'registrants' && request.method === 'POST');
  const deleted = received.filter((request) => request.route === 'registrant' && request.method === 'DELETE');
  expect(created, 'one registrant was created').toHaveLength(1);
  expect(deleted, 'and deleted, after the failure').toHaveLength(1);
  const webinarPath = created[0]?.path ?? '';
  expect(deleted[0]?.path.startsWith(`${webinarPath}/`), 'the registrant of that webinar').toBe(true);
});

test('the report shows every request of a run as a step holding its redacted exchange, and the Webinar checks grouped by resource', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  const treeFile = testInfo.outputPath('step-tree.json');

  const result = await runCollection({ ...sandbox.env, STEP_TREE_FILE: treeFile }, [
    '--reporter=./tests/self-test/helpers/step-tree-reporter.ts',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(result.exitCode, result.output).toBe(0);
  const tests = JSON.parse(await readFile(treeFile, 'utf8')) as ReportedTest[];
  const steps = tests.flatMap((reported) => allSteps(reported.steps));
  const requestSteps = steps.filter((step) => step.category === 'test.step' && requestTitle.test(step.title));
  const calls = requestSteps.map((step) => step.title.replace(/^.* · /, ''));
  expect(calls, 'the refresh and the API calls are steps').toContain('POST /oauth/token');
  expect(calls.filter((call) => call.startsWith('GET /G2W/')).length, 'every Webinar call').toBeGreaterThanOrEqual(8);
  const secrets = Object.entries(readEnvValues(sandbox.envFile)).filter(([name]) =>
    ['GOTO_CLIENT_SECRET', 'GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN'].includes(name),
  );
  expect(secrets, 'the run left its tokens to look for').toHaveLength(3);
  for (const step of requestSteps) {
    const call = step.title.replace(/^.* · /, '');
    const [attachment, ...more] = step.attachments;
    expect(more, `${step.title}: one attachment`).toEqual([]);
    expect(attachment?.split('\n')[0], `${step.title}: its exchange, under its method and path`).toBe(call);
    const exchange = JSON.parse(attachment?.slice(call.length + 1) ?? '') as { request: unknown; response?: unknown };
    expect(exchange.response, `${step.title}: the answer is shown`).toBeDefined();
    for (const [name, value] of secrets) expect(attachment, `${step.title}: no ${name}`).not.toContain(value);
  }
  expect(
    steps.filter((step) => step.category === 'test.attach'),
    'no attachment is a step of its own',
  ).toEqual([]);
  const resources = tests
    .filter((reported) => reported.titlePath[0]?.endsWith('30-webinar-checks.spec.ts'))
    .map((reported) => reported.titlePath[1]);
  expect(new Set(resources), 'each Webinar check under its resource').toEqual(
    new Set(['webinars', 'sessions', 'registrants', 'attendees']),
  );
});

const requestTitle = / · (GET|POST|PUT|PATCH|DELETE) \/\S*$/;

function allSteps(steps: ReportedStep[]): ReportedStep[] {
  return steps.flatMap((step) => [step, ...allSteps(step.steps)]);
}

test('on an account with no webinar in the last or the coming 30 days, the Webinar read checks are skipped, each saying why, and call nothing but the lists', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
  // Both webinar lists of the run (the API check's and the Webinar checks') find none, nor the account's.
  const none = {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ page: { size: 200, totalElements: 0, totalPages: 0, number: 0 } }),
  };
  await emulator.addFault(sandbox.client.clientId, { route: 'webinars', ...none, times: 2 });
  await emulator.addFault(sandbox.client.clientId, { route: 'account-webinars', ...none });
  const treeFile = testInfo.outputPath('step-tree.json');

  const result = await runCollection({ ...sandbox.env, STEP_TREE_FILE: treeFile }, [
    '--reporter=./tests/self-test/helpers/step-tree-reporter.ts',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(result.exitCode, result.output).toBe(0);
  const webinarChecks = (JSON.parse(await readFile(treeFile, 'utf8')) as ReportedTest[]).filter((reported) =>
    reported.titlePath[0]?.endsWith('30-webinar-checks.spec.ts'),
  );
  expect(webinarChecks.length, 'the nine read checks (against GoTo, @write is left out)').toBe(9);
  // The account's list is checked whatever the organizer has: it lists none either.
  const [accountCheck, ...others] = [
    ...webinarChecks.filter((check) => check.titlePath.at(-1)?.startsWith('the account’s webinar list')),
    ...webinarChecks.filter((check) => !check.titlePath.at(-1)?.startsWith('the account’s webinar list')),
  ];
  expect(accountCheck?.status, 'the account’s list check passes on an empty list').toBe('passed');
  for (const check of others) {
    expect(check.status, check.titlePath.join(' › ')).toBe('skipped');
    expect(
      check.annotations.find((annotation) => annotation.type === 'skip')?.description,
      `${check.titlePath.join(' › ')} says why`,
    ).toMatch(/^the organizer has no webinar (in the coming 30 days|that ended in the last 30 days)$/);
  }
  const calls = (await emulator.requests(sandbox.client.clientId)).filter((request) =>
    request.path.startsWith('/G2W/'),
  );
  expect(calls.map((request) => request.route).sort(), 'nothing but the lists was called').toEqual([
    'account-webinars',
    'webinars',
    'webinars',
  ]);
});

/** An empty page of a HAL list, as Spring HATEOAS writes it: no `_embedded`. */
const emptyHalPage = { page: { size: 200, totalElements: 0, totalPages: 0, number: 0 } };

const emptyLists: Array<{
  account: string;
  empty: Array<{ route: Fault['route']; body: unknown }>;
  skipped: Record<string, string>;
}> = [
  {
    account: 'whose next webinar has no registrant and whose held session no attendee',
    empty: [
      { route: 'registrants', body: [] },
      { route: 'session', body: [] },
      { route: 'session-attendees', body: [] },
      { route: 'webinar-attendees', body: emptyHalPage },
    ],
    skipped: {
      'registrants › the next webinar lists its registrants, every key a string':
        'no one has registered for the next webinar yet',
      'sessions › the held past session reads back by its key with its attendance, each attendee of that session':
        'no one attended the held session',
      'attendees › a past session lists who attended it, each for some time': 'no one attended the held session',
      'attendees › the last past webinar lists the attendees of all its sessions, page by page':
        'no one attended the last past webinar',
    },
  },
  {
    account: 'whose last past webinar was never held',
    empty: [{ route: 'sessions', body: emptyHalPage }],
    skipped: {
      'sessions › the last past webinar lists its sessions, each ended':
        'the last past webinar was never held (it has no session)',
      'sessions › the held past session reads back by its key with its attendance, each attendee of that session':
        'the last past webinar was never held (it has no session)',
      'sessions › a past session’s performance counts its registrants, and any share who attended is not negative':
        'the last past webinar was never held (it has no session)',
      'attendees › a past session lists who attended it, each for some time':
        'the last past webinar was never held (it has no session)',
    },
  },
];

for (const { account, empty, skipped } of emptyLists) {
  test(`on an account ${account}, the checks of those lists are skipped, each saying why, and the others pass`, async ({
    sandbox,
    emulator,
  }, testInfo) => {
    await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
    for (const { route, body } of empty) {
      // Each worker reads a shared list once: as many answers as there could be workers.
      await emulator.addFault(sandbox.client.clientId, {
        route,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        times: 10,
      });
    }
    const treeFile = testInfo.outputPath('step-tree.json');

    const result = await runCollection({ ...sandbox.env, STEP_TREE_FILE: treeFile }, [
      '--reporter=./tests/self-test/helpers/step-tree-reporter.ts',
      `--output=${testInfo.outputPath('run')}`,
    ]);

    expect(result.exitCode, result.output).toBe(0);
    const webinarChecks = (JSON.parse(await readFile(treeFile, 'utf8')) as ReportedTest[]).filter((reported) =>
      reported.titlePath[0]?.endsWith('30-webinar-checks.spec.ts'),
    );
    const outcomes = Object.fromEntries(
      webinarChecks.map((check) => [
        check.titlePath.slice(1).join(' › '),
        check.status === 'skipped'
          ? (check.annotations.find((annotation) => annotation.type === 'skip')?.description ?? 'no reason')
          : check.status,
      ]),
    );
    expect(Object.keys(outcomes), 'the nine read checks (against GoTo, @write is left out)').toHaveLength(9);
    for (const [title, outcome] of Object.entries(outcomes)) expect(outcome, title).toBe(skipped[title] ?? 'passed');
  });
}
