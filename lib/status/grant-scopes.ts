import * as z from 'zod';
import { collectionScopes, type GotoScope } from '../../requests';
import { decodeJwtClaims } from '../goto/jwt-claims';
import type { Settings } from '../config/goto-settings';

/**
 * Which scopes the grant carries, from the settings alone. The token response's `scope` is not
 * stored, so the tokens' own `sc` claim is what there is: GoTo's codes carry it ("collab:
 * identity:scim.me" in a real code, docs/goto-facts.md §1), and so do the emulator's codes and
 * tokens (emulator/state.ts). A grant keeps its scopes at every refresh, so any of them tells;
 * the access token is read first as the newest. Without a JWT with `sc`, the scopes are unknown.
 */

const scopeClaims = z.looseObject({ sc: z.union([z.string(), z.array(z.string())]).optional() });

/** Where the granted scopes were read. */
export type ScopeSource = 'GOTO_ACCESS_TOKEN' | 'GOTO_REFRESH_TOKEN' | 'GOTO_AUTH_CODE';

export type GrantedScopes = { known: true; scopes: string[]; from: ScopeSource } | { known: false };

/** One scope the collection needs: whether the grant has it and whether GOTO_SCOPE asks for it. */
export type NeededScope = {
  scope: GotoScope;
  granted: 'granted' | 'missing' | 'unknown';
  /** `all`: GOTO_SCOPE is not set, so the authorize URL asks for none and GoTo grants every scope of the client. */
  asked: 'asked' | 'not asked' | 'all';
};

export type ScopeState = { granted: GrantedScopes; asked: string[] | undefined; needed: NeededScope[] };

const sources: ReadonlyArray<[ScopeSource, keyof Settings]> = [
  ['GOTO_ACCESS_TOKEN', 'accessToken'],
  ['GOTO_REFRESH_TOKEN', 'refreshToken'],
  ['GOTO_AUTH_CODE', 'authCode'],
];

/** RFC 6749 §3.3: a space-delimited list. */
function scopeList(value: string | string[]): string[] {
  return [...new Set([value].flat().flatMap((part) => part.split(/\s+/)))].filter(Boolean);
}

export function grantedScopes(settings: Settings): GrantedScopes {
  for (const [from, key] of sources) {
    const value = settings[key];
    const sc = typeof value === 'string' ? decodeJwtClaims(value, scopeClaims)?.sc : undefined;
    if (sc !== undefined) return { known: true, scopes: scopeList(sc), from };
  }
  return { known: false };
}

/** The scopes the collection needs, each against the grant and GOTO_SCOPE. */
export function scopeState(settings: Settings): ScopeState {
  const granted = grantedScopes(settings);
  const asked = settings.scope === undefined ? undefined : scopeList(settings.scope);
  const needed = collectionScopes.map((scope): NeededScope => ({
    scope,
    granted: !granted.known ? 'unknown' : granted.scopes.includes(scope.scope) ? 'granted' : 'missing',
    asked: asked === undefined ? 'all' : asked.includes(scope.scope) ? 'asked' : 'not asked',
  }));
  return { granted, asked, needed };
}
