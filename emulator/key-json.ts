import { isLosslessNumber, parse } from 'lossless-json';
import type { KeyFormat } from './control-types';
import { INT64_MAX } from './ids';

/**
 * Every key GoTo's Webinar OpenAPI (docs/goto-webinar-v2-openapi.yml) types `integer,
 * format: int64`, as a body property (`WebinarByKey`, `Session`, `Attendee`, `Registrant`,
 * `RegistrantCreated`, `RegistrationQuestion`, `RegistrationAnswer`, `Panelist`, …) or as a
 * path parameter (`accountKey`, `coorganizerKey`, `panelistKey`). The one list every Webinar
 * answer of the emulator writes its keys by; tests/self-test/openapi-conformance.spec.ts
 * reads the OpenAPI and fails when a key is missing here. The same OpenAPI types some of them
 * `string` elsewhere (`Webinar.webinarKey`, every `accountKey` of a body): a server may send
 * either, so with `keyFormat: 'number'` the emulator sends the number wherever the name occurs.
 */
export const INT64_KEYS: ReadonlySet<string> = new Set([
  'webinarKey',
  'organizerKey',
  'accountKey',
  'sessionKey',
  'registrantKey',
  'questionKey',
  'answerKey',
  'coorganizerKey',
  'panelistKey',
  'panelistId',
]);

/** Stands in for a key while `JSON.stringify` writes the rest; U+0000 is in no emulated text. */
const MARK = '\u0000key:';
const MARKED = /"\\u0000key:(\d+)"/g;

/**
 * JSON text of a body whose key fields (named in `keyFields`, holding digit strings) are
 * written as `format` says: as strings, or as bare JSON numbers, digit for digit, as GoTo's
 * OpenAPI types them (`int64`). A JavaScript number cannot hold a 19-digit key, so those are
 * written into the text by hand, never through a number.
 */
export function keyedJson(value: unknown, keyFields: ReadonlySet<string>, format: KeyFormat): string {
  if (format === 'string') return JSON.stringify(value);
  const marked = JSON.stringify(value, (name, field: unknown) =>
    keyFields.has(name) && typeof field === 'string' && /^\d+$/.test(field) ? `${MARK}${field}` : field,
  );
  return marked.replace(MARKED, '$1');
}

/**
 * A JSON request body read so that every number keeps its text (a `LosslessNumber`): an
 * `int64` key of 19 digits is past what a JavaScript number holds. A repeated name keeps its
 * last value, as `JSON.parse` does. Throws a SyntaxError for text that is not JSON.
 */
export function parseExactJson(text: string): unknown {
  return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}

/**
 * The digits of an `int64` key as a typed API reads one: a JSON integer from 0 to 2^63 − 1.
 * A string, even of digits, is no integer (the OpenAPI's `type: integer`), nor is 1.5 or 1e3.
 */
export function int64Digits(value: unknown): string | undefined {
  if (!isLosslessNumber(value) || !/^(0|[1-9]\d{0,18})$/.test(value.value)) return undefined;
  return BigInt(value.value) <= INT64_MAX ? value.value : undefined;
}
