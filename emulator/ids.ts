import { randomInt, randomUUID } from 'node:crypto';

/**
 * A 19-digit key as a decimal string, like GoTo's organizer, account and webinar keys
 * (e.g. "8439885694023999999", docs/goto-facts.md §3b and §5b). The first digit is never 0, so
 * every key is at least 10^18, far above Number.MAX_SAFE_INTEGER (about 9.007 × 10^15):
 * a client that parses one as a JavaScript number loses digits, which is the bug these
 * keys exist to expose.
 */
export function randomKey19(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return digits;
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
