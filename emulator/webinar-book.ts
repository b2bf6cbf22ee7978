import type { RegistrationFormExtras } from './control-types';
import { randomKey19 } from './ids';
import { DAY_MS, firstStart, seeded, type Webinar } from './webinar-data';

/**
 * What one organizer's webinars hold besides their schedule: sessions, registrants,
 * attendees and the registration form, consistent with each other and with the clock. A
 * session is past once it ended; only then does it have attendees, drawn from the
 * registrants who were approved before it began. Everything is drawn from seeds (the
 * webinar and registrant keys), so it is the same on every request; registrants created and
 * deleted through the API change the list, and nothing else.
 */

export type RegistrantStatus = 'APPROVED' | 'DENIED' | 'WAITING';

/** The standard fields of GoTo's registration form (OpenAPI `RegistrantFields`, minus `responses`). */
export const STANDARD_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'source',
  'address',
  'city',
  'state',
  'zipCode',
  'country',
  'phone',
  'organization',
  'jobTitle',
  'questionsAndComments',
  'industry',
  'numberOfEmployees',
  'purchasingTimeFrame',
  'purchasingRole',
] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

export type RegistrantRecord = {
  registrantKey: string;
  firstName: string;
  lastName: string;
  email: string;
  registeredAtMs: number;
  status: RegistrantStatus;
  joinUrl: string;
  timeZone: string;
  /** The other fields the person filled in: standard ones, and any other the form asked for. */
  details: Record<string, string>;
  /** OpenAPI `CustomAnswers`. */
  responses: { question: string; answer: string }[];
};

export type SessionRecord = { sessionKey: string; startMs: number; endMs: number };

export type Stay = { joinMs: number; leaveMs: number };
export type AttendeeRecord = { registrant: RegistrantRecord; session: SessionRecord; stays: Stay[] };

/** OpenAPI `RegistrationField`: a standard field, or one GoTo may add that `RegistrantFields` does not list. */
export type FormField = { field: string; required: boolean; maxSize: number; answers?: string[] };
/** OpenAPI `RegistrationQuestion`. */
export type FormQuestion = {
  questionKey: string;
  question: string;
  required: boolean;
  type: 'multipleChoice' | 'shortAnswer';
  maxSize: number;
  answers?: { answer: string; answerKey: string }[];
};
export type RegistrationForm = { fields: FormField[]; questions: FormQuestion[] };

/** A person registering: the body of createRegistrant, as far as the emulator reads it. */
export type Registration = {
  firstName: string;
  lastName: string;
  email: string;
  details: Record<string, string>;
  responses: { questionKey: string; responseText?: string; answerKey?: string }[];
};

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Edsger',
  'Frances',
];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Dijkstra'];
const EMPLOYEES = ['1-20', '21-50', '51-100', '101-500', '500+'];
const HEARD_FROM = ['Newsletter', 'A colleague', 'Social media', 'Search'];
const MINUTE_MS = 60_000;

export class WebinarBook {
  private readonly byKey: Map<string, Webinar>;
  private readonly registrantLists = new Map<string, RegistrantRecord[]>();

  /** `extras`: what the client's settings add to every form now (`registrationForm`). */
  constructor(
    readonly webinars: readonly Webinar[],
    private readonly extras: () => RegistrationFormExtras | undefined = () => undefined,
  ) {
    this.byKey = new Map(webinars.map((webinar) => [webinar.webinarKey, webinar]));
  }

  webinar(webinarKey: string): Webinar | undefined {
    return this.byKey.get(webinarKey);
  }

  /** Every session of the webinar, one per time range, oldest first. */
  sessions(webinar: Webinar): SessionRecord[] {
    return webinar.times.map((time, n) => ({
      sessionKey: seeded(`${webinar.webinarKey}/session/${n}`).key19(),
      startMs: Date.parse(time.startTime),
      endMs: Date.parse(time.endTime),
    }));
  }

  /** The sessions that have ended: the only ones GoTo reports on (getAllSessions: "all past sessions"). */
  pastSessions(webinar: Webinar, now: number): SessionRecord[] {
    return this.sessions(webinar).filter((session) => session.endMs <= now);
  }

  pastSession(webinar: Webinar, sessionKey: string, now: number): SessionRecord | undefined {
    return this.pastSessions(webinar, now).find((session) => session.sessionKey === sessionKey);
  }

  /** Every session has ended: GoTo then takes late registrations only and deletes none. */
  isOver(webinar: Webinar, now: number): boolean {
    return this.pastSessions(webinar, now).length === webinar.times.length;
  }

  isInSession(webinar: Webinar, now: number): boolean {
    return this.sessions(webinar).some((session) => session.startMs <= now && now < session.endMs);
  }

  /** The webinar's registrants now, in the order they registered. */
  registrants(webinar: Webinar): RegistrantRecord[] {
    let list = this.registrantLists.get(webinar.webinarKey);
    if (!list) {
      list = seededRegistrants(webinar);
      this.registrantLists.set(webinar.webinarKey, list);
    }
    return list;
  }

  registrant(webinar: Webinar, registrantKey: string): RegistrantRecord | undefined {
    return this.registrants(webinar).find((registrant) => registrant.registrantKey === registrantKey);
  }

  /** The registrant already holding this email (GoTo compares emails without regard to case). */
  registrantByEmail(webinar: Webinar, email: string): RegistrantRecord | undefined {
    return this.registrants(webinar).find((registrant) => registrant.email.toLowerCase() === email.toLowerCase());
  }

  register(webinar: Webinar, registration: Registration, now: number): RegistrantRecord {
    const form = this.form(webinar);
    const registrantKey = randomKey19();
    const record: RegistrantRecord = {
      registrantKey,
      firstName: registration.firstName,
      lastName: registration.lastName,
      email: registration.email,
      registeredAtMs: now,
      status: webinar.approvalType === 'MANUAL' ? 'WAITING' : 'APPROVED',
      joinUrl: joinUrl(webinar, registrantKey),
      timeZone: webinar.timeZone,
      details: registration.details,
      responses: registration.responses.flatMap((response) => {
        const question = form.questions.find((q) => q.questionKey === response.questionKey);
        const answer =
          response.responseText ?? question?.answers?.find((a) => a.answerKey === response.answerKey)?.answer;
        return question && answer !== undefined ? [{ question: question.question, answer }] : [];
      }),
    };
    this.registrants(webinar).push(record);
    return record;
  }

  /** Says whether there was such a registrant. */
  remove(webinar: Webinar, registrantKey: string): boolean {
    const list = this.registrants(webinar);
    const index = list.findIndex((registrant) => registrant.registrantKey === registrantKey);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /**
   * Who attended a past session: approved registrants of before its start, two in three of
   * them, and always the first of them, so that a past session with registrants is never
   * empty (a check of attendance then always has someone to look at).
   */
  attendees(webinar: Webinar, session: SessionRecord): AttendeeRecord[] {
    return this.registrants(webinar)
      .filter((registrant) => registrant.status === 'APPROVED' && registrant.registeredAtMs < session.startMs)
      .flatMap((registrant, n) => {
        const pick = seeded(`${registrant.registrantKey}/${session.sessionKey}`);
        if (pick.int(3) === 0 && n > 0) return [];
        const joinMs = session.startMs + pick.int(10) * MINUTE_MS;
        const leaveMs = Math.max(joinMs + MINUTE_MS, session.endMs - pick.int(15) * MINUTE_MS);
        // One in four left and came back half way through.
        const middle = joinMs + Math.floor((leaveMs - joinMs) / 2);
        const stays =
          pick.int(4) === 0
            ? [
                { joinMs, leaveMs: middle - 2 * MINUTE_MS },
                { joinMs: middle, leaveMs },
              ]
            : [{ joinMs, leaveMs }];
        return [{ registrant, session, stays }];
      });
  }

  /**
   * The registration form: the three fields every form has, others by the webinar's seed, and
   * its custom questions; then the fields and questions the client's `registrationForm` adds,
   * their keys drawn from the webinar and the question's text.
   */
  form(webinar: Webinar): RegistrationForm {
    const pick = seeded(`${webinar.webinarKey}/form`);
    const fields: FormField[] = [
      { field: 'firstName', required: true, maxSize: 128 },
      { field: 'lastName', required: true, maxSize: 128 },
      { field: 'email', required: true, maxSize: 128 },
      { field: 'organization', required: pick.int(4) === 0, maxSize: 128 },
      { field: 'jobTitle', required: false, maxSize: 128 },
      { field: 'numberOfEmployees', required: false, maxSize: 128, answers: EMPLOYEES },
    ];
    const questions = seededQuestions(pick);
    const extras = this.extras();
    for (const { maxSize = 128, ...field } of extras?.fields ?? []) fields.push({ ...field, maxSize });
    for (const question of extras?.questions ?? []) questions.push(extraQuestion(webinar, question));
    return { fields, questions };
  }
}

/** Every form's custom question, and a required multiple-choice one on a third of them (drawn after the fields). */
function seededQuestions(pick: ReturnType<typeof seeded>): FormQuestion[] {
  const questions: FormQuestion[] = [
    {
      questionKey: pick.key19(),
      question: 'What would you like to learn?',
      required: false,
      type: 'shortAnswer',
      maxSize: 256,
    },
  ];
  if (pick.int(3) === 0) {
    questions.push({
      questionKey: pick.key19(),
      question: 'How did you hear about this webinar?',
      required: true,
      type: 'multipleChoice',
      maxSize: 128,
      answers: HEARD_FROM.map((answer) => ({ answer, answerKey: pick.key19() })),
    });
  }
  return questions;
}

/** A question the client's `registrationForm` adds, its keys drawn from the webinar and the question's text. */
function extraQuestion(
  webinar: Webinar,
  extra: NonNullable<RegistrationFormExtras['questions']>[number],
): FormQuestion {
  const { answers, maxSize = 128, ...question } = extra;
  const keys = seeded(`${webinar.webinarKey}/question/${question.question}`);
  return {
    ...question,
    maxSize,
    questionKey: keys.key19(),
    ...(answers ? { answers: answers.map((answer) => ({ answer, answerKey: keys.key19() })) } : {}),
  };
}

/** Three to eight people who registered one to twenty days before the first session. */
function seededRegistrants(webinar: Webinar): RegistrantRecord[] {
  const pick = seeded(`${webinar.webinarKey}/registrants`);
  const count = 3 + pick.int(6);
  const first = firstStart(webinar);
  return Array.from({ length: count }, (_, n) => {
    const firstName = FIRST_NAMES[pick.int(FIRST_NAMES.length)] ?? 'Ada';
    const lastName = LAST_NAMES[pick.int(LAST_NAMES.length)] ?? 'Lovelace';
    const registrantKey = pick.key19();
    const manual = webinar.approvalType === 'MANUAL';
    const statusDraw = pick.int(4);
    // The first registrant of a webinar with manual approval is always approved: every
    // webinar then has someone who could attend.
    const status: RegistrantStatus =
      !manual || n === 0 || statusDraw < 2 ? 'APPROVED' : statusDraw === 2 ? 'WAITING' : 'DENIED';
    return {
      registrantKey,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${n + 1}@example.com`.toLowerCase(),
      registeredAtMs: first - (1 + pick.int(20)) * DAY_MS - pick.int(86_400) * 1000,
      status,
      joinUrl: joinUrl(webinar, registrantKey),
      timeZone: webinar.timeZone,
      details: { organization: `Example Org ${pick.int(50) + 1}`, jobTitle: 'Engineer' },
      responses: [],
    };
  }).sort((a, b) => a.registeredAtMs - b.registeredAtMs);
}

function joinUrl(webinar: Webinar, registrantKey: string): string {
  return `https://global.gotowebinar.com/join/${webinar.webinarKey}/${registrantKey}`;
}
