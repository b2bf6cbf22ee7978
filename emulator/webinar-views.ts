import type { AttendeeRecord, RegistrantRecord, SessionRecord, WebinarBook } from './webinar-book';
import { isoSeconds, seeded, type Webinar } from './webinar-data';

/**
 * The emulator's records as GoTo's OpenAPI shapes them (docs/goto-webinar-v2-openapi.yml),
 * every key a string of digits here (docs/goto-facts.md §5b "Key precision"), which the
 * answer writes as a string or a bare number as the client's `keyFormat` says
 * (emulator/key-json.ts). Each function is named after the schema it writes;
 * tests/self-test/webinar-calls.spec.ts checks that the OpenAPI documents every field here.
 */

export type Organizer = { organizerKey: string; accountKey: string; email: string; name: string };

/**
 * `Webinar`, an item of getWebinars and getAllAccountWebinars, as a live answer has it
 * (amp-labs/connectors PR #2983): `webinarId` with a lower-case d (the OpenAPI's `required`
 * list spells it so, its property `webinarID`), no `description`, and three fields the
 * OpenAPI does not document: `omid`, `registrationSettingsKey`, `breakoutsAllowed`.
 */
export function webinarListItem(webinar: Webinar) {
  return {
    webinarKey: webinar.webinarKey,
    webinarId: webinar.webinarID,
    subject: webinar.subject,
    organizerKey: webinar.organizerKey,
    accountKey: webinar.accountKey,
    times: webinar.times,
    timeZone: webinar.timeZone,
    locale: webinar.locale,
    status: webinar.status,
    approvalType: webinar.approvalType,
    registrationUrl: webinar.registrationUrl,
    impromptu: webinar.impromptu,
    isPasswordProtected: webinar.isPasswordProtected,
    recurrenceType: webinar.recurrenceType,
    experienceType: webinar.experienceType,
    omid: webinar.omid,
    registrationSettingsKey: webinar.registrationSettingsKey,
    breakoutsAllowed: webinar.breakoutsAllowed,
  };
}

/** `WebinarByKey` (getWebinar). A sequence shows its future times (getWebinar's description). */
export function webinarByKey(book: WebinarBook, webinar: Webinar, organizer: Organizer, now: number) {
  const future = webinar.times.filter((time) => Date.parse(time.endTime) > now);
  return {
    webinarKey: webinar.webinarKey,
    webinarID: webinar.webinarID,
    subject: webinar.subject,
    description: webinar.description,
    organizerKey: webinar.organizerKey,
    organizerEmail: organizer.email,
    organizerName: organizer.name,
    times: webinar.recurrenceType === 'sequence' && future.length > 0 ? future : webinar.times,
    registrationUrl: webinar.registrationUrl,
    inSession: book.isInSession(webinar, now),
    impromptu: webinar.impromptu,
    type: webinar.recurrenceType,
    timeZone: webinar.timeZone,
    numberOfRegistrants: book.registrants(webinar).length,
    registrationLimit: 1000,
    locale: webinar.locale,
    accountKey: webinar.accountKey,
    recurrencePeriod: webinar.recurrenceType,
    experienceType: webinar.experienceType,
    isPasswordProtected: webinar.isPasswordProtected,
  };
}

/** `ReportingSession` (getAllSessions). */
export function reportingSession(book: WebinarBook, webinar: Webinar, session: SessionRecord, organizer: Organizer) {
  const pick = seeded(`${session.sessionKey}/report`);
  return {
    sessionKey: session.sessionKey,
    webinarKey: webinar.webinarKey,
    webinarName: webinar.subject,
    startTime: isoSeconds(session.startMs),
    endTime: isoSeconds(session.endMs),
    registrantsAttended: book.attendees(webinar, session).length,
    registrantCount: book.registrants(webinar).length,
    accountKey: webinar.accountKey,
    creatingOrganizerKey: organizer.organizerKey,
    creatingOrganizerName: organizer.name,
    startingOrganizerKey: organizer.organizerKey,
    startingOrganizerName: organizer.name,
    totalPollCount: pick.int(4),
    timeZone: webinar.timeZone,
    experienceType: webinar.experienceType,
    webinarID: webinar.webinarID,
  };
}

/** `Attendee` (getAttendees, getWebinarSession) and `ReportingAttendee` (getAttendeesForAllWebinarSessions). */
export function attendee(record: AttendeeRecord) {
  const seconds = record.stays.reduce((sum, stay) => sum + Math.round((stay.leaveMs - stay.joinMs) / 1000), 0);
  return {
    registrantKey: record.registrant.registrantKey,
    firstName: record.registrant.firstName,
    lastName: record.registrant.lastName,
    email: record.registrant.email,
    attendanceTimeInSeconds: seconds,
    sessionKey: record.session.sessionKey,
    attendance: record.stays.map((stay) => ({
      joinTime: isoSeconds(stay.joinMs),
      leaveTime: isoSeconds(stay.leaveMs),
    })),
  };
}

/** `Registrant` (getAllRegistrantsForWebinar). */
export function registrant(record: RegistrantRecord) {
  return {
    firstName: record.firstName,
    lastName: record.lastName,
    email: record.email,
    registrantKey: record.registrantKey,
    registrationDate: isoSeconds(record.registeredAtMs),
    status: record.status,
    joinUrl: record.joinUrl,
    timeZone: record.timeZone,
  };
}

/**
 * `RegistrantDetailed` (getRegistrant). `type` is LATE for a registration after the webinar
 * was over, REGULAR otherwise, and absent for a series (the OpenAPI's description of it).
 */
export function registrantDetailed(book: WebinarBook, webinar: Webinar, record: RegistrantRecord) {
  const late = book.sessions(webinar).every((session) => session.endMs <= record.registeredAtMs);
  return {
    ...registrant(record),
    ...record.details,
    ...(webinar.recurrenceType === 'series' ? {} : { type: late ? 'LATE' : 'REGULAR' }),
    unsubscribed: false,
    responses: record.responses,
  };
}

/** `SessionPerformance` (getPerformance). `experienceType` is upper case in this schema alone. */
export function sessionPerformance(book: WebinarBook, webinar: Webinar, session: SessionRecord) {
  const attendees = book.attendees(webinar, session).map(attendee);
  const registrantCount = book.registrants(webinar).length;
  const pick = seeded(`${session.sessionKey}/performance`);
  const pollCount = pick.int(4);
  const average = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    sessionInfo: {
      webinarName: webinar.subject,
      webinarId: webinar.webinarID,
      sessionKey: session.sessionKey,
      timeZone: webinar.timeZone,
      experienceType: webinar.experienceType.toUpperCase(),
      recurrencePeriod: webinar.recurrenceType,
      startTime: isoSeconds(session.startMs),
      endTime: isoSeconds(session.endMs),
      registrationEmailOpenedCount: String(registrantCount + pick.int(20)),
      registrationLinkClickedCount: String(registrantCount + pick.int(40)),
    },
    attendance: {
      registrantCount,
      percentageAttendance: registrantCount === 0 ? 0 : round2((attendees.length / registrantCount) * 100),
      averageInterestRating: attendees.length === 0 ? 0 : 50 + pick.int(50),
      averageAttentiveness: attendees.length === 0 ? 0 : 60 + pick.int(40),
      averageAttendanceTimeSeconds: round2(average(attendees.map((a) => a.attendanceTimeInSeconds))),
    },
    pollsAndSurveys: {
      pollCount,
      surveyCount: pick.int(2),
      questionsAsked: pick.int(10),
      percentagePollsCompleted: pollCount === 0 ? 0 : 40 + pick.int(60),
      percentageSurveysCompleted: pick.int(100),
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
