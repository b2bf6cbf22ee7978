import * as z from 'zod';
import { decodeJwtClaims } from '../goto/jwt-claims';
import { ConfigError } from '../errors';
import type { Env } from '../config/env-target';
import type { Settings } from '../config/goto-settings';

/**
 * What state each token is in at a given `now`, from the settings alone: no request is sent,
 * so the token's own claims and what the collection wrote are all there is to go on.
 */

/** GoTo: "The refresh token is valid for 30 days" (https://goto-developer.logmeininc.com/how-use-refresh-tokens). */
export const REFRESH_TOKEN_LIFETIME_DAYS = 30;
export const DEFAULT_REFRESH_WARN_DAYS = 7;

export const DAY_MS = 24 * 60 * 60 * 1000;

export type AccessState =
  | { state: 'missing' }
  | { state: 'expiry-unknown' }
  | { state: 'valid' | 'expired'; expiresAt: Date; from: 'GOTO_ACCESS_TOKEN_EXPIRES_AT' | 'exp claim' };

export type RefreshState =
  | { state: 'missing' }
  /** Not a JWT, or one without `iat`/`exp`: GoTo may still take it, we cannot tell for how long. */
  | { state: 'unknown-age' }
  | { state: 'valid' | 'expiring' | 'expired'; issuedAt: Date; expiresAt: Date };

const tokenClaims = z.looseObject({ iat: z.number().optional(), exp: z.number().optional() });
export type TokenClaims = z.infer<typeof tokenClaims>;

/**
 * The payload of a JWT (RFC 7519 §3: three base64url parts, the middle one JSON), or
 * undefined for anything else: such a token is opaque and only its server knows its age.
 * The signature is not checked: these claims only estimate the age, the server decides.
 */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  return decodeJwtClaims(token, tokenClaims);
}

export function accessState(settings: Settings, now: Date): AccessState {
  if (!settings.accessToken) return { state: 'missing' };
  // What the collection wrote wins; the token's own `exp` covers a file written by hand.
  const written = settings.accessTokenExpiresAt;
  const claimed = decodeTokenClaims(settings.accessToken)?.exp;
  const expiresAt = written ? new Date(written) : claimed !== undefined ? new Date(claimed * 1000) : undefined;
  if (!expiresAt) return { state: 'expiry-unknown' };
  return {
    state: expiresAt.getTime() > now.getTime() ? 'valid' : 'expired',
    expiresAt,
    from: written ? 'GOTO_ACCESS_TOKEN_EXPIRES_AT' : 'exp claim',
  };
}

/**
 * The refresh token's issue and expiry times from its `iat`/`exp` claims; when only one is
 * there, the other follows from GoTo's 30-day lifetime.
 */
export function refreshState(settings: Settings, now: Date, warnDays: number): RefreshState {
  if (!settings.refreshToken) return { state: 'missing' };
  const claims = decodeTokenClaims(settings.refreshToken);
  const lifetimeS = (REFRESH_TOKEN_LIFETIME_DAYS * DAY_MS) / 1000;
  const iat = claims?.iat ?? (claims?.exp === undefined ? undefined : claims.exp - lifetimeS);
  const exp = claims?.exp ?? (iat === undefined ? undefined : iat + lifetimeS);
  if (iat === undefined || exp === undefined) return { state: 'unknown-age' };
  const left = exp * 1000 - now.getTime();
  const state = left <= 0 ? 'expired' : left < warnDays * DAY_MS ? 'expiring' : 'valid';
  return { state, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}

/** Whether the refresh token can no longer be used: not set, or expired. */
export function refreshTokenGone(refresh: RefreshState): boolean {
  return refresh.state === 'missing' || refresh.state === 'expired';
}

/** No token works any more: only a person can get new ones, by authorizing again. */
export function noUsableToken(access: AccessState, refresh: RefreshState): boolean {
  return refreshTokenGone(refresh) && access.state !== 'valid';
}

/**
 * GOTO_REFRESH_WARN_DAYS, read like the other settings: the environment first, then the env
 * file. Not a token setting, so it lives here rather than in the collection's catalogue
 * (lib/config/variables.ts).
 */
export function refreshWarnDays(env: Env, fileValues: Record<string, string>, envFile: string): number {
  const raw = (env.GOTO_REFRESH_WARN_DAYS || fileValues.GOTO_REFRESH_WARN_DAYS || '').trim();
  if (raw === '') return DEFAULT_REFRESH_WARN_DAYS;
  if (!/^\d+(\.\d+)?$/.test(raw)) {
    throw new ConfigError(
      [
        'GOTO_REFRESH_WARN_DAYS must be a number of days ' +
          `(warn when the refresh token has fewer days left; default ${DEFAULT_REFRESH_WARN_DAYS})`,
      ],
      envFile,
    );
  }
  return Number.parseFloat(raw);
}
