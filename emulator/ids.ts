import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** The smallest 19-digit number. */
export const KEY19_MIN = 10n ** 18n;
/**
 * The largest `int64`, 2^63 − 1 = 9223372036854775807: GoTo's OpenAPI types its keys
 * `integer, format: int64` (docs/goto-webinar-v2-openapi.yml), so no key is larger.
 */
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * A 19-digit key as a decimal string, like GoTo's organizer, account and webinar keys
 * (e.g. "8439885694023999999", docs/goto-facts.md §3b and §5b): from 10^18, far above
 * Number.MAX_SAFE_INTEGER (about 9.007 × 10^15), so a client that parses one as a
 * JavaScript number loses digits, which is the bug these keys exist to expose; to 2^63 − 1,
 * as an `int64` holds it. 63 random bits, drawn again below 10^18: no modulo bias.
 */
export function randomKey19(): string {
  for (;;) {
    const drawn = randomBytes(8).readBigUInt64BE() & INT64_MAX;
    if (drawn >= KEY19_MIN) return drawn.toString();
  }
}

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 24 random alphanumeric characters, the shape of the real GoTo client secrets seen in
 * public repositories (docs/goto-facts.md §9, "Client secrets"). For such a secret the RFC 6749
 * §2.3.1 Basic value and GoTo's docs' plain `base64(id:secret)` are the same bytes, so no
 * request needs the plain-form retry (lib/custody/token-custody.ts). GoTo's docs' sample
 * (`3naO10IA2agcvG+9I9TGEQ==`, base64 with `+` and `=`) is still used, explicitly, by the
 * tests of both Basic forms. `randomInt` draws from the CSPRNG without modulo bias.
 */
export function randomClientSecret(): string {
  let secret = '';
  while (secret.length < 24) secret += ALPHANUMERICS[randomInt(ALPHANUMERICS.length)];
  return secret;
}

export function randomId(): string {
  return randomUUID();
}
