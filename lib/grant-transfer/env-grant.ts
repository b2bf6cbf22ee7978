import * as z from 'zod';
import { ConfigError } from '../errors';
import { variableProblem } from '../config/variables';
import { decodeJwtClaims } from '../goto/jwt-claims';
import type { GrantRecord } from '../grant-store/grant-record';

/**
 * The grant an env file holds, as the grant store's record: the keys the collection writes
 * (GOTO_REFRESH_TOKEN, GOTO_ACCESS_TOKEN, …), checked as the collection's settings check them
 * (lib/config/goto-settings.ts), so that nothing goes into the store that a holder could not
 * read back. Empty is unset, as everywhere.
 */

/**
 * The keys of a grant in an env file: what moving it out removes, and what reading it back
 * writes. GOTO_GRANTED_SCOPE goes with the tokens: left behind, it would speak for a grant the
 * file no longer holds.
 */
export const grantTokenKeys = [
  'GOTO_REFRESH_TOKEN',
  'GOTO_ACCESS_TOKEN',
  'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  'GOTO_GRANTED_SCOPE',
] as const;

const given = (value: string | undefined) => (value === '' ? undefined : value);

const tokenClaims = z.looseObject({
  iat: z.number().optional(),
  exp: z.number().optional(),
  sc: z.union([z.string(), z.array(z.string())]).optional(),
});

/** What a JWT-shaped token says of itself (RFC 7519 §4.1.4, §4.1.6); nothing for an opaque one. */
function claimsOf(token: string | null | undefined) {
  return token ? decodeJwtClaims(token, tokenClaims) : undefined;
}

/** When a refresh token was issued, from its `iat` claim; undefined when it does not say. */
export function issuedAt(token: string | null | undefined): Date | undefined {
  const iat = claimsOf(token)?.iat;
  return iat === undefined ? undefined : new Date(iat * 1000);
}

/**
 * The scopes a grant carries, from the `sc` claim GoTo's tokens and codes carry
 * (docs/goto-facts.md §1), the access token first; space-separated as OAuth's `scope`
 * (RFC 6749 §3.3). Null when no token says.
 */
export function scopesOf(...tokens: (string | null | undefined)[]): string | null {
  for (const token of tokens) {
    const sc = claimsOf(token)?.sc;
    if (sc !== undefined) return [sc].flat().join(' ');
  }
  return null;
}

/**
 * The grant in `values` (an env file's), or undefined when it holds no refresh token. An
 * invalid GOTO_ACCESS_TOKEN_EXPIRES_AT or GOTO_ORGANIZER_KEY throws a ConfigError naming it.
 * Without GOTO_ACCESS_TOKEN_EXPIRES_AT, the access token's own `exp` gives the expiry; without
 * GOTO_GRANTED_SCOPE, the tokens' `sc` claims give the scopes.
 */
export function grantFromEnvValues(
  values: Record<string, string>,
  envFile: string,
  writer: { writtenBy: string; writtenAt: string },
): Omit<GrantRecord, 'state'> | undefined {
  const refreshToken = given(values.GOTO_REFRESH_TOKEN);
  if (!refreshToken) return undefined;
  const accessToken = given(values.GOTO_ACCESS_TOKEN) ?? null;
  const written = given(values.GOTO_ACCESS_TOKEN_EXPIRES_AT);
  const organizerKey = given(values.GOTO_ORGANIZER_KEY) ?? null;
  const problems = [
    written !== undefined &&
      !z.iso.datetime({ offset: true }).safeParse(written).success &&
      variableProblem('GOTO_ACCESS_TOKEN_EXPIRES_AT', 'must be an ISO 8601 time'),
    organizerKey !== null && !/^\d+$/.test(organizerKey) && variableProblem('GOTO_ORGANIZER_KEY', 'must be digits'),
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new ConfigError(problems, envFile);
  const exp = claimsOf(accessToken)?.exp;
  const accessTokenExpiresAt =
    accessToken === null ? null : (written ?? (exp === undefined ? null : new Date(exp * 1000).toISOString()));
  return {
    refreshToken,
    accessToken,
    accessTokenExpiresAt,
    principal: given(values.GOTO_PRINCIPAL) ?? null,
    organizerKey,
    // What GoTo answered, as the collection stored it; else the tokens' sc claims.
    scopes: given(values.GOTO_GRANTED_SCOPE?.trim())?.split(/\s+/).join(' ') ?? scopesOf(accessToken, refreshToken),
    ...writer,
  };
}
