import * as z from 'zod';

/** The value schemas the GoTo and the Vercel settings share. */

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL points at this machine, where plain http is allowed. */
export function isLoopbackUrl(url: string): boolean {
  return URL.canParse(url) && loopbackHosts.has(new URL(url).hostname);
}

/** Seconds (`90`, `90s`) or minutes (`5m`), as milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(s|m)?$/, { error: 'must be a number of seconds, or minutes with `m` (e.g. `5m`)' })
  .transform((value) => Number.parseFloat(value) * (value.trim().endsWith('m') ? 60_000 : 1000));

/** A value that is set: blank is the same as unset. */
export const text = z.string().trim().min(1);

/** https, except on this machine, so a GoTo-compatible server can run locally. */
export const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  // An unparseable value already failed z.url; zod runs this check anyway.
  .refine(
    (value) =>
      !URL.canParse(value) || new URL(value).protocol === 'https:' || loopbackHosts.has(new URL(value).hostname),
    {
      error: 'must use https (plain http is allowed only for 127.0.0.1 and localhost)',
    },
  );

/**
 * OAuth scopes, space-separated (RFC 6749 §3.3: each scope-token is printable ASCII without
 * space, `"` or `\`), written back with single spaces.
 */
export const scopeList = text
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+(\s+[\x21\x23-\x5B\x5D-\x7E]+)*$/, {
    error: 'must be scopes separated by spaces, such as `identity:scim.me collab:` (RFC 6749 §3.3)',
  })
  .transform((value) => value.split(/\s+/).join(' '));
