import { readFile } from 'node:fs/promises';
import type { AccountAnswers, ReceivedRequest } from '../../emulator/control-client';
import { listSessionsRequest, listWebinarsRequest, type Webinar } from '../../requests';
import { expect, readEnvValues, test, type EmulatorControl, type Sandbox } from './fixtures';
import type { Sender } from '../../lib/chain/token-chain';
import { runCollection } from './helpers/run-collection';
import type { ReportedTest } from './helpers/step-tree-reporter';

/*
 * GoTo's documents leave room for answers a real account gives: webinars co-organized with
 * another organizer in the organizer's list, lists in any order, a registration form without
 * firstName, lastName or email, a question type GoTo adds later, an attendance share past 100
 * or none (docs/webinar-calls.md, "The checks"). Under each of the emulator's account answers the whole
 * collection runs, as a user's laptop or CI job runs it (GOTO_TARGET=goto on the emulator's
 * loopback URLs, the `@write` check included), and passes; and the emulator received the
 * calls of the organizer's own next webinar and last past one, picked by their times, and of
 * that webinar's session that ended last.
 */
test.describe.configure({ timeout: 5 * 60_000 });

const DAY_MS = 86_400_000;

const shapes: { answers: AccountAnswers; says: string }[] = [
  { answers: { coOrganized: true }, says: 'lists webinars the user co-organizes, under another organizer’s key' },
  { answers: { listOrder: 'reversed' }, says: 'lists webinars, sessions, registrants and attendees in reverse order' },
  { answers: { listOrder: 'shuffled' }, says: 'lists webinars, sessions, registrants and attendees in no order' },
  {
    answers: { registrationFields: 'organizer-chosen' },
    says: 'has registration forms that list no firstName, lastName or email',
  },
  { answers: { unknownQuestionType: 'ranking' }, says: 'asks a registration question of a type GoTo does not list' },
  { answers: { percentageAttendance: 'over-100' }, says: 'reports an attendance share past 100' },
  { answers: { percentageAttendance: 'absent' }, says: 'reports no attendance share' },
];

for (const { answers, says } of shapes) {
  test(`the collection passes against an account that ${says}, reading the organizer’s own next and last past webinar by their times`, async ({
    sandbox,
    emulator,
    send,
  }, testInfo) => {
    await emulator.updateClient(sandbox.client.clientId, { accountAnswers: answers });
    await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
    const treeFile = testInfo.outputPath('step-tree.json');

    const run = await runCollection({ ...sandbox.env, STEP_TREE_FILE: treeFile }, [
      // A pattern that names @write, so the check that registers someone runs as it does on
      // the emulator target, and that every title matches.
      '--grep=@write|.',
      '--reporter=./tests/self-test/helpers/step-tree-reporter.ts,./reporters/summary-reporter.ts',
      `--output=${testInfo.outputPath('run')}`,
    ]);

    expect(run.exitCode, run.output).toBe(0);
    const checks = JSON.parse(await readFile(treeFile, 'utf8')) as ReportedTest[];
    const apiChecks = checks.filter((check) => /^collection\/(20|30)-/.test(check.titlePath[0] ?? ''));
    expect(apiChecks.length, 'the two API checks and the ten Webinar checks, @write among them').toBe(12);
    expect(
      apiChecks.filter((check) => check.status !== 'passed').map((check) => check.titlePath.join(' › ')),
      'each ran and passed',
    ).toEqual([]);
    const received = await emulator.requests(sandbox.client.clientId);
    const truth = await ownWebinarsAround(sandbox, emulator, send);

    const byRoute = (route: ReceivedRequest['route'], method = 'GET') =>
      received.filter((request) => request.route === route && request.method === method).map((r) => r.path);
    const webinarPath = (webinar: Webinar) =>
      `/G2W/rest/v2/organizers/${sandbox.client.user.organizerKey}/webinars/${webinar.webinarKey}`;
    const sessionPath = `${webinarPath(truth.past)}/sessions/${truth.lastSessionKey}`;
    expect(byRoute('webinar'), 'getWebinar read the next webinar').toEqual([webinarPath(truth.next)]);
    expect(byRoute('registration-fields'), 'its registration form').toEqual([
      `${webinarPath(truth.next)}/registrants/fields`,
      `${webinarPath(truth.next)}/registrants/fields`,
    ]);
    expect(byRoute('registrants', 'POST'), 'the @write check registered someone for it').toEqual([
      `${webinarPath(truth.next)}/registrants`,
    ]);
    expect(new Set(byRoute('sessions')), 'getAllSessions listed the last past webinar’s sessions').toEqual(
      new Set([`${webinarPath(truth.past)}/sessions`]),
    );
    expect(
      [...byRoute('session'), ...byRoute('session-attendees'), ...byRoute('session-performance')],
      'the session calls read its session that ended last',
    ).toEqual([sessionPath, `${sessionPath}/attendees`, `${sessionPath}/performance`]);
    const byKey = received.filter((request) => /\/webinars\/\d+/.test(request.path));
    expect(
      byKey.filter((request) => !truth.ownKeys.has(/\/webinars\/(\d+)/.exec(request.path)?.[1] ?? '')),
      'no call by webinar key named a webinar the user does not organize',
    ).toEqual([]);
    expect(
      received.filter((request) => request.route === 'account-webinars').length,
      'the account’s list was read',
    ).toBeGreaterThan(0);

    const created = received.find((request) => request.route === 'registrants' && request.method === 'POST');
    expect(created?.json, 'the registration sent firstName, lastName and email, whatever the form listed').toEqual(
      expect.objectContaining({
        firstName: expect.any(String),
        lastName: expect.any(String),
        email: expect.stringMatching(/@example\.com$/),
      }),
    );
    const warnings = checks.flatMap((check) => check.annotations.filter((annotation) => annotation.type === 'warning'));
    if (answers.unknownQuestionType) {
      expect(warnings.map((warning) => warning.description)).toEqual([
        expect.stringContaining(`has the type "${answers.unknownQuestionType}"`),
      ]);
      expect(run.output, 'the summary shows it').toContain(`Warning: question `);
    } else {
      expect(warnings, 'no warning').toEqual([]);
    }
  });
}

/**
 * What the checks should have picked, worked out here without the collection's code: the
 * organizer's own webinars of the 30 days either side, the one whose first session starts
 * soonest, the one whose last session ended latest, and of that one the session that ended last.
 */
async function ownWebinarsAround(sandbox: Sandbox, emulator: EmulatorControl, send: Sender) {
  const now = Date.now();
  const api = {
    apiBaseUrl: emulator.baseUrl,
    accessToken: readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? '',
    organizerKey: sandbox.client.user.organizerKey,
  };
  const range = { fromTime: new Date(now - 30 * DAY_MS), toTime: new Date(now + 30 * DAY_MS), size: 200 };
  const { body } = await send(listWebinarsRequest({ ...api, ...range }));
  const own = (body._embedded?.webinars ?? []).filter((webinar) => webinar.organizerKey === api.organizerKey);
  const starts = (webinar: Webinar) => (webinar.times ?? []).map((time) => Date.parse(time.startTime));
  const ends = (webinar: Webinar) => (webinar.times ?? []).map((time) => Date.parse(time.endTime));
  const next = own
    .filter((webinar) => Math.min(...starts(webinar)) > now)
    .sort((a, b) => Math.min(...starts(a)) - Math.min(...starts(b)))[0];
  const past = own
    .filter((webinar) => Math.max(...ends(webinar)) < now)
    .sort((a, b) => Math.max(...ends(b)) - Math.max(...ends(a)))[0];
  if (!next || !past) throw new Error('the emulated organizer has a webinar to come and one past, within 30 days');
  const sessions = await send(listSessionsRequest({ ...api, webinarKey: past.webinarKey, size: 200 }));
  const lastSession = (sessions.body._embedded?.sessionInfoResources ?? []).sort(
    (a, b) => Date.parse(b.endTime) - Date.parse(a.endTime),
  )[0];
  return {
    next,
    past,
    lastSessionKey: lastSession?.sessionKey ?? '',
    ownKeys: new Set(own.map((webinar) => webinar.webinarKey)),
  };
}
