import * as z from 'zod';

/**
 * An organizer, account, webinar or registrant key. GoTo's keys run to 19 digits, past
 * `Number.MAX_SAFE_INTEGER`, so they are kept as strings (docs/goto-facts.md §5b "Key
 * precision"). GoTo's OpenAPI declares some of them `int64`: a key that arrives as a JSON
 * number is accepted only while it is still exact.
 */
export const gotoKey = z.union([
  z.string().regex(/^\d+$/, { error: 'must be a string of digits' }),
  z
    .number()
    .refine(Number.isSafeInteger, { error: 'arrived as a JSON number too large to be exact; the key is lost' })
    .transform(String),
]);
