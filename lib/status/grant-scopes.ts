import * as z from 'zod';
import { collectionScopes, type GotoScope } from '../../requests';
import { decodeJwtClaims } from '../goto/jwt-claims';
import type { Settings } from '../config/goto-settings';

/**
 * Which scopes the grant carries, from the settings alone. First what GoTo's token answer said
 * (its `scope`, RFC 6749 §5.1, which GoTo documents): with a grant store, the record's `scopes`
 * (lib/status/grant-in-store.ts puts them in `grantedScope`); else GOTO_GRANTED_SCOPE, which
 * the collection writes with the tokens. Failing that, the `sc` claim: GoTo's codes carry it
 * ("collab: identity:scim.me" in a real code, docs/goto-facts.md §1), and so do the emulator's
 * codes and tokens (emulator/state.ts); nothing documents it in GoTo's tokens. A grant keeps
 * its scopes at every refresh, so any of them tells; the access token is read first as the
 * newest. Without any of these, the scopes are unknown.
 */

const scopeClaims = z.looseObject({ sc: z.union([z.string(), z.array(z.string())]).optional() });

/** Where the granted scopes were read: the store's record, GOTO_GRANTED_SCOPE, or the `sc` claim of a token or the code. */
export type ScopeSource = 'grant store' | 'GOTO_GRANTED_SCOPE' | ClaimSource;
type ClaimSource = 'GOTO_ACCESS_TOKEN' | 'GOTO_REFRESH_TOKEN' | 'GOTO_AUTH_CODE';

export type GrantedScopes = { known: true; scopes: string[]; from: ScopeSource } | { known: false };

/** One scope the collection needs: whether the grant has it and whether GOTO_SCOPE asks for it. */
export type NeededScope = {
  scope: GotoScope;
  granted: 'granted' | 'missing' | 'unknown';
  /** `all`: GOTO_SCOPE is not set, so the authorize URL asks for none and GoTo grants every scope of the client. */
  asked: 'asked' | 'not asked' | 'all';
};

export type ScopeState = { granted: GrantedScopes; asked: string[] | undefined; needed: NeededScope[] };

const claimSources: ReadonlyArray<[ClaimSource, keyof Settings]> = [
  ['GOTO_ACCESS_TOKEN', 'accessToken'],
  ['GOTO_REFRESH_TOKEN', 'refreshToken'],
  ['GOTO_AUTH_CODE', 'authCode'],
];

/** RFC 6749 §3.3: a space-delimited list. */
function scopeList(value: string | string[]): string[] {
  return [...new Set([value].flat().flatMap((part) => part.split(/\s+/)))].filter(Boolean);
}

/**
 * `store`: status read a grant store, so `grantedScope` holds the record's `scopes`
 * (lib/status/grant-in-store.ts), not the env file's GOTO_GRANTED_SCOPE.
 */
export function grantedScopes(settings: Settings, store = false): GrantedScopes {
  if (settings.grantedScope !== undefined)
    return {
      known: true,
      scopes: scopeList(settings.grantedScope),
      from: store ? 'grant store' : 'GOTO_GRANTED_SCOPE',
    };
  for (const [from, key] of claimSources) {
    const value = settings[key];
    const sc = typeof value === 'string' ? decodeJwtClaims(value, scopeClaims)?.sc : undefined;
    if (sc !== undefined) return { known: true, scopes: scopeList(sc), from };
  }
  return { known: false };
}

/** Where the scopes were read, as status says it. */
export function scopeSourceText(from: ScopeSource): string {
  if (from === 'grant store') return "the grant store's record";
  if (from === 'GOTO_GRANTED_SCOPE') return "GOTO_GRANTED_SCOPE, from GoTo's token answer";
  return `the sc claim of ${from}`;
}

/** Why the scopes are unknown, as status says it. */
export function unknownScopesText(store: boolean): string {
  return store
    ? "the grant store's record keeps none, and no token or code has an sc claim"
    : 'no GOTO_GRANTED_SCOPE, and no token or code with an sc claim';
}

/** The scopes the collection needs, each against the grant and GOTO_SCOPE. */
export function scopeState(settings: Settings, store = false): ScopeState {
  const granted = grantedScopes(settings, store);
  const asked = settings.scope === undefined ? undefined : scopeList(settings.scope);
  const needed = collectionScopes.map((scope): NeededScope => ({
    scope,
    granted: !granted.known ? 'unknown' : granted.scopes.includes(scope.scope) ? 'granted' : 'missing',
    asked: asked === undefined ? 'all' : asked.includes(scope.scope) ? 'asked' : 'not asked',
  }));
  return { granted, asked, needed };
}
