import * as z from 'zod';

/**
 * ISO 8601 date and time (RFC 3339 §5.6, with the ISO 8601 offset `±hhmm` too): seconds and
 * their fraction optional, the zone `Z`, `±hh:mm`, `±hhmm` or none.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date-time as GoTo's API writes one (OpenAPI `format: date-time`, shown as
 * `2020-03-13T10:00:00Z`). Nothing GoTo publishes rules out other spellings of the same
 * instant (Java's `SimpleDateFormat` writes `+0000`, `DateTimeFormatter` `Z` or `+00:00`,
 * with milliseconds or not), so any of `Z`, `±hh:mm` and `±hhmm`, with or without a
 * fraction of a second, is taken and given as UTC
 * in one spelling, `2026-12-01T10:00:00Z` (milliseconds only when there are some): the form
 * ECMAScript's `Date.parse` is bound to read (ECMA-262 §21.4.3.2, Date Time String Format).
 * A time without a zone names no instant by itself (the webinar's `timeZone` may say which
 * one), so it is given as it came.
 */
export const gotoDateTime = z
  .string()
  .regex(DATE_TIME, { error: 'must be an ISO 8601 date-time such as 2020-03-13T10:00:00Z' })
  .transform((text, context) => {
    const [, local = '', zone] = DATE_TIME.exec(text) ?? [];
    if (zone === undefined) return text;
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const ms = Date.parse(`${local}${offset}`);
    if (Number.isNaN(ms)) {
      context.issues.push({ code: 'custom', input: text, message: 'is not a date and time that exists' });
      return z.NEVER;
    }
    return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  });
