/**
 * Which webinar is "the next" and which "the last past", and which session of a webinar was
 * held last, read from their times. GoTo's OpenAPI defines no order for getWebinars,
 * getAllAccountWebinars or getAllSessions (docs/goto-webinar-v2-openapi.yml names no sort for
 * any of them), so a list's order says nothing: its first item may be any webinar of the range.
 * Ties go to the smaller key, so the answer never depends on the order either.
 */

/** GoTo's `DateTimeRange`: ISO 8601 date-times. */
export type TimeRange = { readonly startTime: string; readonly endTime: string };

/** A webinar as far as its schedule goes: its key and its sessions' times. */
export type ScheduledWebinar = { readonly webinarKey: string; readonly times?: readonly TimeRange[] };

/** A session as getAllSessions lists it (`ReportingSession`). */
export type ScheduledSession = { readonly sessionKey: string; readonly startTime: string; readonly endTime: string };

/**
 * The webinar none of whose sessions has begun at `now` whose first session begins soonest;
 * undefined when there is none. A webinar without times, or with a time that does not parse,
 * is never picked.
 */
export function nextWebinar<W extends ScheduledWebinar>(webinars: readonly W[], now: number): W | undefined {
  return pick(
    webinars.flatMap((webinar) => {
      const starts = timesOf(webinar).map((time) => Date.parse(time.startTime));
      const first = Math.min(...starts);
      return starts.length > 0 && first > now ? [{ item: webinar, key: webinar.webinarKey, rank: first }] : [];
    }),
  );
}

/**
 * The webinar every session of which has ended at `now` whose last session ended latest;
 * undefined when there is none.
 */
export function lastPastWebinar<W extends ScheduledWebinar>(webinars: readonly W[], now: number): W | undefined {
  return pick(
    webinars.flatMap((webinar) => {
      const ends = timesOf(webinar).map((time) => Date.parse(time.endTime));
      const last = Math.max(...ends);
      return ends.length > 0 && last < now ? [{ item: webinar, key: webinar.webinarKey, rank: -last }] : [];
    }),
  );
}

/** The session that had ended at `now` and ended latest; undefined when none has ended. */
export function lastEndedSession<S extends ScheduledSession>(sessions: readonly S[], now: number): S | undefined {
  return pick(
    sessions.flatMap((session) => {
      const end = Date.parse(session.endTime);
      return end < now ? [{ item: session, key: session.sessionKey, rank: -end }] : [];
    }),
  );
}

function timesOf(webinar: ScheduledWebinar): readonly TimeRange[] {
  const times = webinar.times ?? [];
  const parses = (value: string) => !Number.isNaN(Date.parse(value));
  return times.every((time) => parses(time.startTime) && parses(time.endTime)) ? times : [];
}

/** The candidate of the lowest rank; of equal ranks, the one with the smaller key (keys are digit strings). */
function pick<T>(candidates: { item: T; key: string; rank: number }[]): T | undefined {
  let best: { item: T; key: string; rank: number } | undefined;
  for (const candidate of candidates) {
    if (!best || candidate.rank < best.rank || (candidate.rank === best.rank && smallerKey(candidate.key, best.key))) {
      best = candidate;
    }
  }
  return best?.item;
}

function smallerKey(a: string, b: string): boolean {
  return a.length === b.length ? a < b : a.length < b.length;
}
