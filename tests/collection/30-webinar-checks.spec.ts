import {
  createRegistrantRequest,
  deleteRegistrantRequest,
  getRegistrantRequest,
  getRegistrationFieldsRequest,
  getSessionPerformanceRequest,
  getSessionRequest,
  getWebinarRequest,
  getgoExtension,
  listAccountWebinarsRequest,
  listRegistrantsRequest,
  listSessionAttendeesRequest,
  listSessionsRequest,
  listWebinarAttendeesRequest,
  listWebinarsRequest,
  registrationQuestionTypes,
  type RegistrantFields,
  type RegistrationFields,
  type ReportingSession,
  type Webinar,
} from '../../requests';
import { expect, test, warn, type GotoApi } from '../../fixtures';
import { ApiStatusError } from '../../lib/errors';
import { followPages, halPage } from '../../lib/goto/paging';
import { lastEndedSession, lastPastWebinar, nextWebinar } from '../../lib/goto/schedule';

/*
 * The GoTo Webinar calls a team makes day to day, grouped by resource, each call a step with
 * its redacted request and response. Read checks run every day, on the organizer's next
 * webinar (within 30 days) and the last past one (within 30 days), and are skipped, saying
 * so, when there is none. The check tagged @write registers a person and deletes them
 * again: it runs on the emulator, and against GoTo only with `--grep @write`; the
 * registrant is deleted however the check ends. Each check asserts only what GoTo's OpenAPI
 * (docs/goto-webinar-v2-openapi.yml) promises; docs/webinar-calls.md's table names the promise per check.
 */

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;

type Around = {
  next?: Webinar;
  past?: Webinar;
  /** The organizer's own webinars in the window, and the window itself. */
  own: Webinar[];
  fromTime: Date;
  toTime: Date;
};
// Later checks of the file reuse what the first one read: its steps show the call.
const aroundByToken = new Map<string, Promise<Around>>();

/**
 * The organizer's next webinar and last past one, read once per run's token with one list call,
 * picked by their times (lib/goto/schedule.ts): GoTo documents no order for the list. Only the
 * organizer's own webinars count: an organizer's list also holds the webinars they co-organize,
 * whose `organizerKey` is another organizer's (GoTo's v1 docs, rubydoc go_to_webinar 0.2.1),
 * and GoTo does not say that the calls by webinar key, which name the organizer in their path,
 * read another organizer's webinar.
 */
function webinarsAround(gotoApi: GotoApi): Promise<Around> {
  let found = aroundByToken.get(gotoApi.accessToken);
  if (!found) {
    found = (async (): Promise<Around> => {
      const now = Date.now();
      const fromTime = new Date(now - WINDOW_DAYS * DAY_MS);
      const toTime = new Date(now + WINDOW_DAYS * DAY_MS);
      const { items } = await followPages(async (page) =>
        halPage((await gotoApi.call(listWebinarsRequest, { fromTime, toTime, page, size: 200 })).body, 'webinars'),
      );
      const own = items.filter((webinar) => (webinar.organizerKey ?? gotoApi.organizerKey) === gotoApi.organizerKey);
      return { next: nextWebinar(own, now), past: lastPastWebinar(own, now), own, fromTime, toTime };
    })();
    aroundByToken.set(gotoApi.accessToken, found);
  }
  return found;
}

/**
 * An account's webinars of the window, every page; the check is skipped, saying so, when GoTo
 * refuses the list with a 403 other than InvalidToken: GoTo does not say who may read an
 * account's webinars (getAllAccountWebinars), and the organizer's own list has just worked
 * with the same token and scope, so the refusal is about this list alone.
 */
async function accountWebinars(gotoApi: GotoApi, accountKey: string, fromTime: Date, toTime: Date) {
  try {
    return await followPages(async (page) =>
      halPage(
        (await gotoApi.call(listAccountWebinarsRequest, { accountKey, fromTime, toTime, page, size: 200 })).body,
        'webinars',
      ),
    );
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 403 && error.error !== 'InvalidToken') {
      test.skip(true, `GoTo refused account ${accountKey}’s webinar list: ${error.headline}`);
    }
    throw error;
  }
}

const noNext = `the organizer has no webinar in the coming ${WINDOW_DAYS} days`;
const noPast = `the organizer has no webinar that ended in the last ${WINDOW_DAYS} days`;
const neverHeld = 'the last past webinar was never held (it has no session)';
const noAttendee = 'no one attended the held session';

const sessionsByToken = new Map<string, Promise<ReportingSession[]>>();

/**
 * The past webinar's sessions, every page, read once per run's token: the checks that need a
 * session share the calls (each call counts against GoTo's 10 per second).
 */
function pastSessions(gotoApi: GotoApi, past: Webinar): Promise<ReportingSession[]> {
  let found = sessionsByToken.get(gotoApi.accessToken);
  if (!found) {
    found = followPages(async (page) =>
      halPage(
        (await gotoApi.call(listSessionsRequest, { webinarKey: past.webinarKey, page, size: 200 })).body,
        'sessionInfoResources',
      ),
    ).then(({ items }) => items);
    sessionsByToken.set(gotoApi.accessToken, found);
  }
  return found;
}

/**
 * The last past webinar's session that ended last, which GoTo reports on once it has ended
 * (picked by its times: GoTo documents no order for getAllSessions); the check is skipped,
 * saying why, when there is none.
 */
async function heldSession(gotoApi: GotoApi): Promise<{ webinarKey: string; sessionKey: string }> {
  const { past } = await webinarsAround(gotoApi);
  const session = past && lastEndedSession(await pastSessions(gotoApi, past), Date.now());
  test.skip(!past, noPast);
  test.skip(!session, neverHeld);
  // test.skip ends the check when its condition holds: both are there.
  return { webinarKey: past?.webinarKey ?? '', sessionKey: session?.sessionKey ?? '' };
}

test.describe('webinars', () => {
  test('the organizer’s next webinar reads back by its key, with its subject and times', async ({ gotoApi }) => {
    const { next } = await webinarsAround(gotoApi);
    test.skip(!next, noNext);
    if (!next) return;

    const { body } = await gotoApi.call(getWebinarRequest, { webinarKey: next.webinarKey });

    expect(body.webinarKey, 'the key stays a string').toBe(next.webinarKey);
    expect(body.subject).toBe(next.subject);
    expect(body.times.length, 'it has its sessions’ times').toBeGreaterThan(0);
  });

  test('the account’s webinar list holds the organizer’s own webinars of the same days, each the account’s', async ({
    gotoApi,
    chain,
    accessToken,
  }) => {
    // The account keys are in Users/me's getgo extension (docs/goto-facts.md §5c).
    const accounts = (await chain.usersMe(accessToken))[getgoExtension]?.accounts ?? [];
    test.skip(accounts.length === 0, 'Users/me names no GoTo account (its getgo extension lists none)');
    const { own, fromTime, toTime } = await webinarsAround(gotoApi);

    for (const { value: accountKey } of accounts) {
      const { items, complete } = await accountWebinars(gotoApi, accountKey, fromTime, toTime);

      for (const webinar of items) {
        if (webinar.accountKey)
          expect(webinar.accountKey, 'a webinar of the account’s list is the account’s').toBe(accountKey);
      }
      // A webinar that names no account is the only account's, when Users/me names one.
      const expected = own.filter(
        (webinar) => (webinar.accountKey ?? (accounts.length === 1 ? accountKey : '')) === accountKey,
      );
      if (complete) {
        expect(
          items.map((webinar) => webinar.webinarKey),
          `account ${accountKey} lists the organizer’s own webinars`,
        ).toEqual(expect.arrayContaining(expected.map((webinar) => webinar.webinarKey)));
      }
    }
  });
});

test.describe('sessions', () => {
  test('the last past webinar lists its sessions, each ended', async ({ gotoApi }) => {
    const { past } = await webinarsAround(gotoApi);
    test.skip(!past, noPast);
    if (!past) return;

    const sessions = await pastSessions(gotoApi, past);

    test.skip(sessions.length === 0, neverHeld);
    for (const session of sessions) {
      expect(Date.parse(session.endTime), `session ${session.sessionKey} has ended`).toBeLessThan(Date.now());
    }
  });

  test('the held past session reads back by its key with its attendance, each attendee of that session', async ({
    gotoApi,
  }) => {
    const session = await heldSession(gotoApi);

    // getWebinarSession: "attendance details for a specific webinar session that has ended",
    // an array of `Attendee` (OpenAPI).
    const { body } = await gotoApi.call(getSessionRequest, session);

    test.skip(body.length === 0, noAttendee);
    for (const attendee of body) {
      if (attendee.sessionKey) expect(attendee.sessionKey, 'of the session asked for').toBe(session.sessionKey);
      expect(attendee.attendanceTimeInSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  test('a past session’s performance counts its registrants, and any share who attended is not negative', async ({
    gotoApi,
  }) => {
    const session = await heldSession(gotoApi);

    const { body } = await gotoApi.call(getSessionPerformanceRequest, session);

    expect(body.attendance.registrantCount).toBeGreaterThanOrEqual(0);
    // No maximum: the OpenAPI gives percentageAttendance none (requests/get-session-performance.ts).
    expect(body.attendance.percentageAttendance ?? 0).toBeGreaterThanOrEqual(0);
  });
});

test.describe('registrants', () => {
  test('the next webinar lists its registrants, every key a string', async ({ gotoApi }) => {
    const { next } = await webinarsAround(gotoApi);
    test.skip(!next, noNext);
    if (!next) return;

    const { body } = await gotoApi.call(listRegistrantsRequest, { webinarKey: next.webinarKey });

    const registrants = Array.isArray(body) ? body : body.data;
    test.skip(registrants.length === 0, 'no one has registered for the next webinar yet');
    for (const registrant of registrants) {
      expect(registrant.registrantKey).toMatch(/^\d+$/);
    }
  });

  test('the next webinar’s registration form has the documented shape, each question its own key, warning of a question type GoTo does not document', async ({
    gotoApi,
  }) => {
    const { next } = await webinarsAround(gotoApi);
    test.skip(!next, noNext);
    if (!next) return;

    // The sender holds the answer to the OpenAPI's RegistrationFields (requests/get-registration-fields.ts).
    // Its fields are "the default fields the organizer has selected": firstName, lastName and
    // email need not be among them.
    const { body } = await gotoApi.call(getRegistrationFieldsRequest, { webinarKey: next.webinarKey });

    const keys = body.questions.map((question) => question.questionKey);
    // questionKey: "The unique key of the custom registration field" (OpenAPI RegistrationQuestion).
    expect(new Set(keys).size, 'no two questions share a key').toBe(keys.length);
    for (const question of body.questions) {
      if (!(registrationQuestionTypes as readonly string[]).includes(question.type)) {
        warn(
          `question ${question.questionKey} of webinar ${next.webinarKey} has the type "${question.type}", ` +
            `which GoTo's OpenAPI does not list (${registrationQuestionTypes.join(', ')}): ` +
            'a registration that must answer it may need a new kind of answer',
        );
      }
    }
  });

  test(
    'registers a person for the next webinar, finds them listed and read back, and deletes them',
    { tag: '@write' },
    async ({ gotoApi, cleanup }) => {
      const { next } = await webinarsAround(gotoApi);
      test.skip(!next, noNext);
      if (!next) return;
      const webinarKey = next.webinarKey;
      const { body: fields } = await gotoApi.call(getRegistrationFieldsRequest, { webinarKey });
      // example.com never receives mail (RFC 2606 §3); the address is new on every run.
      const registration = registrationFor(fields, `goto-token-runner+${Date.now()}@example.com`);
      test.skip('unanswerable' in registration, 'unanswerable' in registration ? registration.unanswerable : '');
      if (!('registrant' in registration)) return;
      const { registrant } = registration;

      const { body: created } = await gotoApi.call(createRegistrantRequest, { webinarKey, registrant });
      const deleteIt = cleanup.add('delete the registrant this check created', () =>
        gotoApi.call(deleteRegistrantRequest, { webinarKey, registrantKey: created.registrantKey }),
      );

      const { body: listed } = await gotoApi.call(listRegistrantsRequest, { webinarKey });
      expect(
        (Array.isArray(listed) ? listed : listed.data).some((r) => r.registrantKey === created.registrantKey),
        'the new registrant is listed',
      ).toBe(true);
      const { body: read } = await gotoApi.call(getRegistrantRequest, {
        webinarKey,
        registrantKey: created.registrantKey,
      });
      expect(read.email).toBe(registrant.email);

      await deleteIt();
    },
  );
});

test.describe('attendees', () => {
  test('a past session lists who attended it, each for some time', async ({ gotoApi }) => {
    const session = await heldSession(gotoApi);

    const { body } = await gotoApi.call(listSessionAttendeesRequest, session);

    test.skip(body.length === 0, noAttendee);
    for (const attendee of body) expect(attendee.attendanceTimeInSeconds).toBeGreaterThanOrEqual(0);
  });

  test('the last past webinar lists the attendees of all its sessions, page by page', async ({ gotoApi }) => {
    const { past } = await webinarsAround(gotoApi);
    test.skip(!past, noPast);
    if (!past) return;

    const attendees = await followPages(async (page) =>
      halPage(
        (await gotoApi.call(listWebinarAttendeesRequest, { webinarKey: past.webinarKey, page, size: 200 })).body,
        'attendeeParticipationResponses',
      ),
    );

    expect(attendees.complete, 'every page read').toBe(true);
    test.skip(attendees.items.length === 0, 'no one attended the last past webinar');
    for (const attendee of attendees.items) expect(attendee.registrantKey).toMatch(/^\d+$/);
  });
});

/**
 * A registration that fills in whatever the webinar's form requires (getRegistrationFields),
 * a field the request's schema does not list included; or why none can be made: a required
 * choice with nothing to choose has no answer a check could send (GoTo would refuse a made-up one).
 */
function registrationFor(
  fields: RegistrationFields,
  email: string,
): { registrant: RegistrantFields } | { unanswerable: string } {
  const emptyChoice =
    fields.fields.find((field) => field.required && field.answers?.length === 0)?.field ??
    fields.questions.find(
      (question) => question.required && question.type === 'multipleChoice' && !question.answers?.length,
    )?.question;
  if (emptyChoice !== undefined)
    return {
      unanswerable: `the next webinar's registration form requires "${emptyChoice}", a choice with no answers to choose from`,
    };
  const standard: Record<string, string> = { organization: 'goto-token-runner', jobTitle: 'Check', phone: '5550100' };
  const filled = Object.fromEntries(
    fields.fields
      .filter((field) => field.required && !['firstName', 'lastName', 'email'].includes(field.field))
      .map((field) => [field.field, field.answers?.[0] ?? standard[field.field] ?? 'n/a']),
  );
  return {
    registrant: {
      firstName: 'Check',
      lastName: 'Runner',
      email,
      ...filled,
      responses: fields.questions
        .filter((question) => question.required)
        .map((question) => {
          const choice = question.answers?.[0];
          return choice
            ? { questionKey: question.questionKey, answerKey: choice.answerKey }
            : { questionKey: question.questionKey, responseText: 'n/a' };
        }),
    },
  };
}
