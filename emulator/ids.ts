import { randomBytes, randomInt, randomUUID } from 'node:crypto';

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

/** GoTo's secrets are 24 characters of base64 (16 bytes), e.g. `3naO10IA2agcvG+9I9TGEQ==` (docs/goto-facts.md §2). */
export function randomClientSecret(): string {
  return randomBytes(16).toString('base64');
}

export function randomId(): string {
  return randomUUID();
}
