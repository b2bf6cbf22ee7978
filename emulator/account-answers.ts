import { createHash } from 'node:crypto';
import type { AccountAnswers, EmulatorUser } from './control-types';
import type { RegistrationForm } from './webinar-book';
import { isoSeconds, seeded, type Webinar } from './webinar-data';

/**
 * The answers a real account may give where GoTo's documents leave room (`AccountAnswers` in
 * control-types.ts), applied to what the emulator would answer otherwise. Each is off unless a
 * client's settings ask for it.
 */

const HOUR_MS = 3_600_000;
const STANDARD_TRIO = ['firstName', 'lastName', 'email'];

/**
 * A list in the order the client's settings ask for. `shuffled` sorts by a hash of each item's
 * JSON: the same items come in the same order on every request, so the pages of a list agree,
 * and an item added later (a registrant) does not move the others.
 */
export function inListOrder<T>(items: readonly T[], answers: AccountAnswers): T[] {
  switch (answers.listOrder ?? 'natural') {
    case 'natural':
      return [...items];
    case 'reversed':
      return [...items].reverse();
    case 'shuffled':
      return items
        .map((item) => ({ item, rank: createHash('sha256').update(JSON.stringify(item)).digest('hex') }))
        .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
        .map(({ item }) => item);
  }
}

/** The organizer of the account whose webinars the user co-organizes: the same on every request. */
export function coOrganizerKey(user: EmulatorUser): string {
  return seeded(`${user.organizerKey}/co-organizer`).key19();
}

/**
 * The other organizer's webinars the user co-organizes: one beside each of the user's own, in
 * the same account, starting an hour earlier and ending an hour later, so that by list order
 * alone one would take the other organizer's for the user's next webinar.
 */
export function coOrganizedWebinars(user: EmulatorUser, own: readonly Webinar[]): Webinar[] {
  const organizerKey = coOrganizerKey(user);
  return own.map((webinar) => {
    const pick = seeded(`${webinar.webinarKey}/co-organized`);
    const webinarKey = pick.key19();
    return {
      ...webinar,
      webinarKey,
      webinarID: String(100_000_000 + pick.int(900_000_000)),
      organizerKey,
      subject: `Co-organized: ${webinar.subject}`,
      description: `${webinar.description} Organized by another organizer of the account.`,
      registrationUrl: `https://attendee.gotowebinar.com/register/${webinarKey}`,
      times: webinar.times.map((time) => ({
        startTime: isoSeconds(Date.parse(time.startTime) - HOUR_MS),
        endTime: isoSeconds(Date.parse(time.endTime) + HOUR_MS),
      })),
      omid: pick.key19(),
    };
  });
}

/** The registration form as the client's settings ask: without the name and email trio, with a question of an unknown type. */
export function answeredForm(form: RegistrationForm, answers: AccountAnswers, webinarKey: string): unknown {
  const fields =
    answers.registrationFields === 'organizer-chosen'
      ? form.fields.filter((field) => !STANDARD_TRIO.includes(field.field))
      : form.fields;
  const questions: unknown[] = [...form.questions];
  if (answers.unknownQuestionType !== undefined) {
    questions.push({
      questionKey: seeded(`${webinarKey}/form/${answers.unknownQuestionType}`).key19(),
      question: 'Which sessions would you like to attend?',
      required: false,
      type: answers.unknownQuestionType,
      maxSize: 128,
    });
  }
  return { fields, questions };
}

/** getPerformance's `attendance` with `percentageAttendance` as the client's settings ask. */
export function answeredAttendance<A extends { percentageAttendance: number }>(
  attendance: A,
  answers: AccountAnswers,
): Omit<A, 'percentageAttendance'> & { percentageAttendance?: number } {
  switch (answers.percentageAttendance ?? 'share') {
    case 'share':
      return attendance;
    case 'over-100':
      // A made-up figure past 100: the OpenAPI gives the field no maximum.
      return { ...attendance, percentageAttendance: 100 + attendance.percentageAttendance / 2 + 12.5 };
    case 'absent': {
      const { percentageAttendance: _left, ...rest } = attendance;
      return rest;
    }
  }
}
