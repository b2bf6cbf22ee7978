import {
  getRegistrationFieldsRequest,
  getSessionPerformanceRequest,
  getWebinarRequest,
  listAccountWebinarsRequest,
  listSessionsRequest,
  listWebinarsRequest,
  type Webinar,
} from '../../requests';
import { ApiStatusError, expect, test, type EmulatorControl, type Sandbox } from './fixtures';
import type { AccountAnswers } from '../../emulator/control-client';
import type { Sender } from '../../lib/chain/token-chain';

/*
 * The emulator's account answers (`AccountAnswers`, emulator/control-types.ts): what a real
 * account may answer where GoTo's documents leave room, each asked for per client. These
 * tests hold the emulator to each; tests/self-test/account-answers.spec.ts runs the
 * collection under each.
 */

const DAY_MS = 86_400_000;

/** A sandbox signed in under these account answers, and the organizer's webinars within 90 days either side. */
async function signedIn(sandbox: Sandbox, emulator: EmulatorControl, send: Sender, accountAnswers: AccountAnswers) {
  await emulator.updateClient(sandbox.client.clientId, { accountAnswers });
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  const { access_token: accessToken } = await sandbox.chain.exchangeCode({ code });
  const api = { apiBaseUrl: emulator.baseUrl, accessToken, organizerKey: sandbox.client.user.organizerKey };
  const range = { fromTime: new Date(Date.now() - 90 * DAY_MS), toTime: new Date(Date.now() + 90 * DAY_MS) };
  const list = async (page: number) =>
    (await send(listWebinarsRequest({ ...api, ...range, page, size: 200 }))).body._embedded?.webinars ?? [];
  return { api, range, webinars: await list(0), list };
}

const firstStart = (webinar: Webinar) => Math.min(...(webinar.times ?? []).map((t) => Date.parse(t.startTime)));

test('by default the lists come in their natural order: the webinars by their first start', async ({
  sandbox,
  emulator,
  send,
}) => {
  const { webinars } = await signedIn(sandbox, emulator, send, {});

  const starts = webinars.map(firstStart);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
});

test('with listOrder "reversed" the webinar list and a webinar’s sessions come in reverse order', async ({
  sandbox,
  emulator,
  send,
}) => {
  const natural = await signedIn(sandbox, emulator, send, {});
  const ended = (webinar: Webinar) => (webinar.times ?? []).every((t) => Date.parse(t.endTime) < Date.now());
  const series = natural.webinars.find((webinar) => (webinar.times ?? []).length > 1 && ended(webinar));
  expect(series, 'the emulated organizer has a past webinar of several sessions').toBeDefined();
  await emulator.updateClient(sandbox.client.clientId, { accountAnswers: { listOrder: 'reversed' } });

  const reversed = await natural.list(0);
  const { body } = await send(listSessionsRequest({ ...natural.api, webinarKey: series?.webinarKey ?? '' }));

  expect(reversed.map((w) => w.webinarKey)).toEqual(natural.webinars.map((w) => w.webinarKey).reverse());
  const ends = (body._embedded?.sessionInfoResources ?? []).map((session) => Date.parse(session.endTime));
  expect(ends.length).toBeGreaterThan(1);
  expect(ends, 'the last session first').toEqual([...ends].sort((a, b) => b - a));
});

test('with listOrder "shuffled" the webinars come out of time order, the same on every request and across pages', async ({
  sandbox,
  emulator,
  send,
}) => {
  const { api, range, webinars, list } = await signedIn(sandbox, emulator, send, { listOrder: 'shuffled' });

  const starts = webinars.map(firstStart);
  expect(starts, 'not in time order').not.toEqual([...starts].sort((a, b) => a - b));
  expect(
    (await list(0)).map((w) => w.webinarKey),
    'the same order again',
  ).toEqual(webinars.map((w) => w.webinarKey));
  const paged = [];
  for (const page of [0, 1, 2, 3, 4]) {
    paged.push(
      ...((await send(listWebinarsRequest({ ...api, ...range, page, size: 10 }))).body._embedded?.webinars ?? []),
    );
  }
  expect(
    paged.map((w) => w.webinarKey),
    'pages of 10 read as the one page',
  ).toEqual(webinars.map((w) => w.webinarKey));
});

test('with coOrganized the lists hold another organizer’s webinars, which the user’s key cannot read and theirs is refused', async ({
  sandbox,
  emulator,
  send,
}) => {
  const { api, range, webinars } = await signedIn(sandbox, emulator, send, { coOrganized: true });

  const others = webinars.filter((webinar) => webinar.organizerKey !== api.organizerKey);
  const own = webinars.filter((webinar) => webinar.organizerKey === api.organizerKey);
  expect(others.length, 'one beside each of the user’s own').toBe(own.length);
  expect(new Set(others.map((w) => w.organizerKey)).size, 'all of one other organizer').toBe(1);
  expect(
    others.every((w) => w.accountKey === sandbox.client.user.accountKey),
    'in the user’s account',
  ).toBe(true);
  const account = await send(
    listAccountWebinarsRequest({ ...api, ...range, accountKey: sandbox.client.user.accountKey, size: 200 }),
  );
  expect(account.body.page.totalElements, 'the account lists both organizers’ webinars').toBe(webinars.length);

  const other = others[0];
  const byOwnKey = await send(getWebinarRequest({ ...api, webinarKey: other?.webinarKey ?? '' })).catch(
    (e: unknown) => e,
  );
  expect((byOwnKey as ApiStatusError).status, 'unknown under the user’s organizer key').toBe(404);
  const byTheirs = await send(
    getWebinarRequest({ ...api, organizerKey: other?.organizerKey ?? '', webinarKey: other?.webinarKey ?? '' }),
  ).catch((e: unknown) => e);
  expect((byTheirs as ApiStatusError).status, 'refused under the other organizer’s key').toBe(403);
});

test('with organizer-chosen registration fields the form lists no firstName, lastName or email, yet createRegistrant still requires them', async ({
  sandbox,
  emulator,
  send,
}) => {
  const { api, webinars } = await signedIn(sandbox, emulator, send, { registrationFields: 'organizer-chosen' });
  const next = webinars.find((webinar) => firstStart(webinar) > Date.now());
  const webinarKey = next?.webinarKey ?? '';

  const { body } = await send(getRegistrationFieldsRequest({ ...api, webinarKey }));
  // Sent by hand: createRegistrantRequest itself refuses a registration without a last name.
  const refused = await fetch(
    `${api.apiBaseUrl}/G2W/rest/v2/organizers/${api.organizerKey}/webinars/${webinarKey}/registrants`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${api.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Ada', email: 'ada@example.com', organization: 'Engines' }),
    },
  );

  const names = body.fields.map((field) => field.field);
  expect(names.length, 'the organizer chose some fields').toBeGreaterThan(0);
  expect(names.filter((name) => ['firstName', 'lastName', 'email'].includes(name))).toEqual([]);
  expect(refused.status, 'a registration without a last name is refused').toBe(400);
  expect(await refused.json()).toMatchObject({ description: "Field 'lastName' is required" });
});

test('with unknownQuestionType every form asks one more, optional question of that type', async ({
  sandbox,
  emulator,
  send,
}) => {
  const { api, webinars } = await signedIn(sandbox, emulator, send, { unknownQuestionType: 'ranking' });
  const next = webinars.find((webinar) => firstStart(webinar) > Date.now());

  const { body } = await send(getRegistrationFieldsRequest({ ...api, webinarKey: next?.webinarKey ?? '' }));

  expect(body.questions.filter((question) => question.type === 'ranking')).toEqual([
    expect.objectContaining({ required: false, questionKey: expect.stringMatching(/^\d+$/) }),
  ]);
});

for (const [percentageAttendance, expected] of [
  ['over-100', (value: number | undefined) => expect(value).toBeGreaterThan(100)],
  ['absent', (value: number | undefined) => expect(value).toBeUndefined()],
] as const) {
  test(`with percentageAttendance "${percentageAttendance}" getPerformance says so`, async ({
    sandbox,
    emulator,
    send,
  }) => {
    const { api, webinars } = await signedIn(sandbox, emulator, send, { percentageAttendance });
    const past = webinars.filter((webinar) => (webinar.times ?? []).every((t) => Date.parse(t.endTime) < Date.now()));
    const webinarKey = past.at(-1)?.webinarKey ?? '';
    const sessions = await send(listSessionsRequest({ ...api, webinarKey }));
    const sessionKey = sessions.body._embedded?.sessionInfoResources[0]?.sessionKey ?? '';

    const { body } = await send(getSessionPerformanceRequest({ ...api, webinarKey, sessionKey }));

    expected(body.attendance.percentageAttendance);
    expect(body.attendance.registrantCount).toBeGreaterThanOrEqual(0);
  });
}

test('refuses an account answer it does not know, or a documented question type as an unknown one', async ({
  sandbox,
  emulator,
}) => {
  const unknown = await emulator
    .updateClient(sandbox.client.clientId, { accountAnswers: { listOrder: 'sideways' } as unknown as AccountAnswers })
    .catch((e: unknown) => e);
  const documented = await emulator
    .updateClient(sandbox.client.clientId, { accountAnswers: { unknownQuestionType: 'shortAnswer' } })
    .catch((e: unknown) => e);

  expect(String(unknown)).toContain('400');
  expect(String(documented)).toContain('400');
});
