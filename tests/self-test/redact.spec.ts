import { expect, test } from './fixtures';
import { fingerprint, redactText } from '../../lib/http/redact';

/*
 * Redaction of text (lib/http/redact.ts), the one place a secret that travels in a body, a
 * URL or an echoed error is replaced before anything is shown. The whole-run leak tests
 * (no-secret-leaks.spec.ts) use tokens that need no escaping and a client secret that only
 * ever travels inside the Basic value, so the forms and lengths a real secret can take are
 * pinned down here.
 */

const shown = (secret: string) => `‹redacted ${fingerprint(secret)}›`;

test('replaces a secret in each form it travels in: as it is, percent-encoded and form-encoded', () => {
  const secret = 'a+b/c d=e%f&g~h';
  const text = [
    `raw ${secret}`,
    `query ?token=${encodeURIComponent(secret)}`,
    `form refresh_token=${new URLSearchParams([['', secret]]).toString().slice(1)}`,
  ].join('\n');

  const result = redactText(text, [secret]);

  expect(result).toBe(
    [`raw ${shown(secret)}`, `query ?token=${shown(secret)}`, `form refresh_token=${shown(secret)}`].join('\n'),
  );
});

test('replaces a client secret of GoTo’s length, 24 characters', () => {
  const secret = 'Zq8vN2rT5wXk1LmP4sYb7HcD';

  expect(redactText(`{"value":"${secret}"}`, [secret])).toBe(`{"value":"${shown(secret)}"}`);
});

test('leaves strings under 6 characters, which would match by accident and hide nothing worth hiding', () => {
  expect(redactText('user 12345 logged in', ['12345'])).toBe('user 12345 logged in');
});

test('replaces a secret that contains another whole, not the inner one first', () => {
  const inner = 'inner-secret';
  const outer = `prefix-${inner}-suffix`;

  expect(redactText(`got ${outer}`, [inner, outer])).toBe(`got ${shown(outer)}`);
});
