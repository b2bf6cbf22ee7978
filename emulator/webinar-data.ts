import { createHash } from 'node:crypto';
import { INT64_MAX, KEY19_MIN } from './ids';

/** GoTo's OpenAPI `DateTimeRange`. */
export type DateTimeRange = { startTime: string; endTime: string };

/**
 * GoTo's OpenAPI `Webinar` schema (the item of `ReportingWebinarsResponse`), every key a
 * string. The spec lists `status` as required but neither defines nor enumerates it;
 * the values used here are a guess (docs/goto-facts.md §5b).
 */
export type Webinar = {
  webinarKey: string;
  webinarID: string;
  organizerKey: string;
  accountKey: string;
  subject: string;
  description: string;
  times: DateTimeRange[];
  timeZone: string;
  locale: 'en_US' | 'de_DE' | 'es_ES' | 'fr_FR' | 'it_IT' | 'zh_CN';
  status: string;
  approvalType: 'AUTOMATIC' | 'MANUAL';
  registrationUrl: string;
  impromptu: boolean;
  isPasswordProtected: boolean;
  recurrenceType: 'single_session' | 'series' | 'sequence';
  experienceType: 'classic' | 'broadcast' | 'simulive';
  /**
   * Three fields a live list item has that the OpenAPI does not document (amp-labs/connectors
   * PR #2983): `omid` and `registrationSettingsKey` as digit strings, `breakoutsAllowed`.
   */
  omid: string;
  registrationSettingsKey: string;
  breakoutsAllowed: boolean;
};

export const WEBINAR_COUNT = 45;
const SPAN_DAYS = 60;
export const DAY_MS = 86_400_000;

const TOPICS = [
  'Quarterly product update',
  'Onboarding for new customers',
  'Security and compliance Q&A',
  'API office hours',
  'Customer success stories',
  'Release notes walkthrough',
  'Best practices for hybrid events',
  'Analytics deep dive',
  'Partner enablement',
];
const TIME_ZONES = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'America/Los_Angeles', 'Asia/Kolkata'];
const LOCALES: Webinar['locale'][] = ['en_US', 'de_DE', 'es_ES', 'fr_FR', 'it_IT', 'zh_CN'];
const EXPERIENCES: Webinar['experienceType'][] = ['classic', 'broadcast', 'simulive'];
const DURATIONS_MIN = [30, 45, 60, 90];

/**
 * The webinars of one organizer: `WEBINAR_COUNT` of them from 60 days before to 60 days
 * after `anchorMs` (the client's creation), sorted by first start. The same organizer key
 * and anchor day always give the same list, so a test can page through it and compare.
 */
export function buildWebinarCatalog(user: { organizerKey: string; accountKey: string }, anchorMs: number): Webinar[] {
  const anchorDay = Math.floor(anchorMs / DAY_MS) * DAY_MS;
  const webinars: Webinar[] = [];
  for (let i = 0; i < WEBINAR_COUNT; i++) {
    const pick = seeded(`${user.organizerKey}/${i}`);
    const { recurrenceType, times } = schedule(i, anchorDay, pick);
    const webinarKey = pick.key19();
    const topic = TOPICS[i % TOPICS.length] ?? 'Webinar';
    webinars.push({
      webinarKey,
      webinarID: String(100_000_000 + pick.int(900_000_000)),
      organizerKey: user.organizerKey,
      accountKey: user.accountKey,
      subject: `${topic} #${i + 1}`,
      description: `${topic}: emulated webinar ${i + 1} of ${WEBINAR_COUNT}.`,
      times,
      timeZone: TIME_ZONES[pick.int(TIME_ZONES.length)] ?? 'America/New_York',
      locale: LOCALES[pick.int(LOCALES.length)] ?? 'en_US',
      status: pick.int(4) === 0 ? 'UPDATED' : 'NEW',
      approvalType: pick.int(5) === 0 ? 'MANUAL' : 'AUTOMATIC',
      registrationUrl: `https://attendee.gotowebinar.com/register/${webinarKey}`,
      impromptu: false,
      isPasswordProtected: pick.int(6) === 0,
      recurrenceType,
      experienceType: EXPERIENCES[pick.int(EXPERIENCES.length)] ?? 'classic',
      // Drawn last, so that every earlier draw (and so every key) stays as it was.
      omid: pick.key19(),
      registrationSettingsKey: String(10_000_000 + pick.int(90_000_000)),
      breakoutsAllowed: pick.int(4) === 0,
    });
  }
  return webinars.sort((a, b) => firstStart(a) - firstStart(b));
}

/**
 * The `i`th webinar's sessions: spread evenly over the span, at a seeded hour and length (the
 * first two draws of its seed). A series repeats weekly, a sequence runs on consecutive days
 * (OpenAPI `recurrenceType`).
 */
function schedule(
  i: number,
  anchorDay: number,
  pick: ReturnType<typeof seeded>,
): Pick<Webinar, 'recurrenceType' | 'times'> {
  const dayOffset = -SPAN_DAYS + Math.round((i * 2 * SPAN_DAYS) / (WEBINAR_COUNT - 1));
  const start = anchorDay + dayOffset * DAY_MS + (8 + pick.int(10)) * 3_600_000;
  const durationMs = (DURATIONS_MIN[pick.int(DURATIONS_MIN.length)] ?? 60) * 60_000;
  const recurrenceType: Webinar['recurrenceType'] =
    i % 9 === 4 ? 'series' : i % 11 === 7 ? 'sequence' : 'single_session';
  const sessions = recurrenceType === 'single_session' ? 1 : 3;
  const stepMs = recurrenceType === 'series' ? 7 * DAY_MS : DAY_MS;
  const times = Array.from({ length: sessions }, (_, n) => ({
    startTime: isoSeconds(start + n * stepMs),
    endTime: isoSeconds(start + n * stepMs + durationMs),
  }));
  return { recurrenceType, times };
}

/** A webinar is in range when any of its sessions overlaps [fromMs, toMs]. */
export function overlaps(webinar: Webinar, fromMs: number, toMs: number): boolean {
  return webinar.times.some((t) => Date.parse(t.startTime) <= toMs && Date.parse(t.endTime) >= fromMs);
}

export function firstStart(webinar: Webinar): number {
  return Math.min(...webinar.times.map((t) => Date.parse(t.startTime)));
}

export function isoSeconds(ms: number): string {
  // GoTo writes times without milliseconds, e.g. 2020-03-13T10:00:00Z (OpenAPI DateTimeRange).
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Deterministic draws from SHA-256 of a seed: stable across runs, unlike Math.random. */
export function seeded(seed: string) {
  let counter = 0;
  const next = (): bigint => BigInt(`0x${createHash('sha256').update(`${seed}#${counter++}`).digest('hex')}`);
  return {
    int: (below: number): number => Number(next() % BigInt(below)),
    /** 19 digits, at most 2^63 − 1, as `randomKey19`. */
    key19: (): string => (KEY19_MIN + (next() % (INT64_MAX - KEY19_MIN + 1n))).toString(),
  };
}
