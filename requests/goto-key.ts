import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import * as z from 'zod';

/**
 * An organizer, account, webinar or registrant key, as a string of digits. GoTo's keys run
 * to 19 digits (`"8439885694023999999"` in its token docs), past `Number.MAX_SAFE_INTEGER`.
 * GoTo's Webinar OpenAPI types them as strings in `Webinar` but as `int64` in
 * `WebinarByKey` and in its path parameters, and its webhook samples carry bare numbers, so
 * a key may arrive as a JSON number: response bodies are read so that such a number stays
 * exact, as a `LosslessNumber` (lib/http/lossless-json.ts); a `bigint` is taken too. A plain
 * JavaScript number is taken only while it is exact: past 2^53 it has been rounded already,
 * and the key is lost.
 */
export const gotoKey = z.preprocess(
  (key: string | number | bigint | LosslessNumber) =>
    typeof key === 'bigint' || isLosslessNumber(key) || Number.isSafeInteger(key) ? key.toString() : key,
  z
    .string({
      error: ({ input }) => {
        if (input === undefined) return 'is missing';
        return Number.isInteger(input)
          ? 'arrived as a JSON number too large to be exact; the key is lost'
          : 'must be a string of digits';
      },
    })
    .regex(/^\d+$/, { error: 'must be a string of digits' }),
);

/**
 * A key as the JSON number GoTo's OpenAPI types it where a request body holds one
 * (`integer, format: int64`: createRegistrant's `responses[].questionKey` and `answerKey`).
 * A `LosslessNumber`, which the sender writes as a bare number, digit for digit
 * (lib/http/lossless-json.ts): a JavaScript number would round a 19-digit key.
 */
export function int64Key(key: string): LosslessNumber {
  return new LosslessNumber(key);
}
