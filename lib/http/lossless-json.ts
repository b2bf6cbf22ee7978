import { isInteger, isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

export { isLosslessNumber, LosslessNumber };

/**
 * JSON text (RFC 8259) read as `JSON.parse` reads it, except that an integer too large to be
 * exact as a JavaScript number stays a `LosslessNumber` holding its digits: GoTo's keys run
 * to 19 digits, and its OpenAPI types some of them `int64` (`WebinarByKey.webinarKey`), so
 * a GoTo-compatible server may send `"webinarKey": 8439885694023999999`, which `JSON.parse`
 * rounds to 8439885694024000000. RFC 8259 §6 leaves such numbers to the reader ("good
 * interoperability can be achieved by implementations that expect no more precision" than
 * IEEE 754 doubles); every other number is a plain number, as schemas expect. A repeated
 * name keeps its last value, as `JSON.parse` does (RFC 8259 §4 leaves it open).
 *
 * Node 20's `JSON.parse` has no reviver `context.source` without a V8 flag (the TC39
 * "JSON.parse source text access" proposal), so the number's text is out of reach there.
 * Throws a SyntaxError for text that is not JSON.
 */
export function parseLosslessJson(text: string): unknown {
  return parse(text, null, {
    parseNumber: (digits) =>
      isInteger(digits) && !isSafeNumber(digits) ? new LosslessNumber(digits) : Number.parseFloat(digits),
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/**
 * JSON text of a value, as `JSON.stringify` writes it, except that a `LosslessNumber` or a
 * `bigint` is written as the bare number it holds, digit for digit, where `JSON.stringify`
 * would write an object or throw. For what reports show of a response.
 */
export function stringifyLosslessJson(value: unknown, space?: number): string {
  return stringify(value, null, space) ?? 'null';
}
