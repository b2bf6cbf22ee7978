import { createHash } from 'node:crypto';

/*
 * What the README and docs/vercel.md promise stands in for a secret, worked out here from
 * that promise and not taken from lib/http/redact.ts: a test of redaction that asked the
 * product for the expected value would pass whatever the product wrote.
 */

/** `sha256:` and the first 12 hex digits of the SHA-256 of the secret's UTF-8 bytes (docs/vercel.md: "12 hex digits of a SHA-256"). */
export function expectedFingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(Buffer.from(secret, 'utf8')).digest('hex').slice(0, 12)}`;
}

/** A secret as a shown request or response holds it: `‹redacted sha256:1f2e3d4c5b6a›` (README). */
export function expectedRedaction(secret: string): string {
  return `‹redacted ${expectedFingerprint(secret)}›`;
}
