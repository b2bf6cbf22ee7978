import type { Env } from '../config/env-target';
import type { Settings } from '../config/goto-settings';
import {
  REFRESH_TOKEN_LIFETIME_DAYS,
  decodeTokenClaims,
  noUsableToken,
  refreshTokenGone,
  type AccessState,
  type RefreshState,
} from './assess-tokens';
import { formatDuration, timeSince, timeUntil, type Tone } from './status-layout';
import { scopeSourceText, type NeededScope, type ScopeState } from './grant-scopes';
import { storeName, type StoreView } from './grant-in-store';
import { scopeCalls, tickScopeSteps } from '../../requests';
import { composeMessage, type MessageParts } from '../errors/error-message';

/** One line of the verdict: it starts with what happened and ends with what to do. */
export type VerdictLine = { tone: Tone; text: string };

/** A verdict line with advice, in the pattern every error's message has (lib/errors/error-message.ts). */
function verdict(tone: Tone, parts: MessageParts): VerdictLine {
  return { tone, text: composeMessage(parts) };
}

/** What the verdict is decided from: the settings, the tokens' states, and a recovery file if there is one. */
export type AdviceInput = {
  settings: Settings;
  env: Env;
  now: Date;
  access: AccessState;
  refresh: RefreshState;
  warnDays: number;
  scopes: ScopeState;
  /** The keys a recovery file beside the env file holds (lib/custody/token-recovery.ts), when there is one. */
  recovery?: { path: string; keys: string[] };
  /** What the grant store held, when GOTO_GRANT_STORE names one: its tokens are the ones assessed. */
  store?: StoreView;
  /** The env file's values, to see grant store settings put where nothing reads them. */
  fileValues?: Record<string, string>;
};

const authorizeAgain =
  'authorize again: `npx playwright test --project=authorize`, ' +
  'or log in at the URL `npm run authorize-url` prints and put the code in GOTO_AUTH_CODE, ' +
  'then run `npx playwright test`';

function whatToDoWithoutTokens(settings: Settings, now: Date): string {
  if (!settings.authCode) return authorizeAgain;
  const exp = decodeTokenClaims(settings.authCode)?.exp;
  if (exp !== undefined && exp * 1000 <= now.getTime()) {
    const ago = formatDuration(now.getTime() - exp * 1000);
    return `GOTO_AUTH_CODE expired ${ago} ago (codes last 10 minutes): ${authorizeAgain}`;
  }
  const left = exp === undefined ? '' : ` within ${formatDuration(exp * 1000 - now.getTime())}`;
  return (
    `GOTO_AUTH_CODE is set: run \`npx playwright test\`${left} to exchange it for tokens ` +
    '(codes last 10 minutes and work once)'
  );
}

/** Why the refresh token cannot be used, or undefined while it can. */
function refreshGoneReason(refresh: RefreshState, now: Date, store: StoreView | undefined): string | undefined {
  if (refresh.state === 'missing')
    return store ? 'the grant store holds no refresh token' : 'GOTO_REFRESH_TOKEN is not set';
  if (refresh.state === 'expired') return `the refresh token expired ${timeSince(refresh.expiresAt, now)} ago`;
  return undefined;
}

function accessGoneReason(access: AccessState): string {
  if (access.state === 'missing') return 'there is no access token';
  if (access.state === 'expired') return 'the access token has expired';
  return 'the access token’s expiry is unknown';
}

/** The line about the tokens themselves, worst case first; none when there is nothing to say. */
function tokensVerdict({ settings, now, access, refresh, warnDays, store }: AdviceInput): VerdictLine | undefined {
  const refreshGone = refreshGoneReason(refresh, now, store);
  if (refreshGone && noUsableToken(access, refresh)) {
    return verdict('bad', {
      headline: `No usable token: ${refreshGone} and ${accessGoneReason(access)}.`,
      advice: whatToDoWithoutTokens(settings, now),
    });
  }
  if (refreshGone && access.state === 'valid') {
    return verdict('warn', {
      headline: `Warning: only the access token is left, for ${timeUntil(access.expiresAt, now)}: ${refreshGone}.`,
      advice: authorizeAgain,
    });
  }
  if (refresh.state === 'expiring') {
    return verdict('warn', {
      headline:
        `Warning: the refresh token expires in ${timeUntil(refresh.expiresAt, now)}, ` +
        `fewer than ${warnDays} days (GOTO_REFRESH_WARN_DAYS).`,
      advice:
        'run `npx playwright test --grep @refresh`: ' +
        'GoTo renews a refresh token near the end of its 30 days, and the collection saves the new one. ' +
        'If none comes back, authorize again before it expires (`npx playwright test --project=authorize`).',
    });
  }
  if (refresh.state === 'unknown-age') {
    return {
      tone: 'ok',
      text:
        'OK: a refresh token is set; it is not a JWT with iat/exp, so its age is unknown ' +
        `(GoTo's last ${REFRESH_TOKEN_LIFETIME_DAYS} days).`,
    };
  }
  if (refresh.state === 'valid') {
    const next = access.state === 'valid' ? '' : '; the next run gets a new access token with it';
    return { tone: 'ok', text: `OK: the refresh token has ${timeUntil(refresh.expiresAt, now)} left${next}.` };
  }
  return undefined;
}

/**
 * A scope the collection needs that the grant lacks, or that GOTO_SCOPE leaves out so the next
 * authorization will not grant it: which calls will fail, and where to fix it. Nothing is said
 * when the grant's scopes are unknown and GOTO_SCOPE is not set: GoTo then grants every scope
 * of the client, which status cannot see.
 */
function scopeWarning({ scopes }: AdviceInput, needed: NeededScope): VerdictLine | undefined {
  const { scope, granted, asked } = needed;
  const reasons = [
    granted === 'missing' &&
      scopes.granted.known &&
      `the grant lacks it (${scopeSourceText(scopes.granted.from)}: ${scopes.granted.scopes.join(' ') || 'none'})`,
    asked === 'not asked' && 'GOTO_SCOPE does not ask for it, so the next authorization will not grant it',
  ].filter((reason): reason is string => typeof reason === 'string');
  if (reasons.length === 0) return undefined;
  const also = scope.alsoBreaks ? `, and ${scope.alsoBreaks}` : '';
  const steps = [
    asked === 'not asked' &&
      `add ${scope.scope} to GOTO_SCOPE (or remove GOTO_SCOPE: GoTo then grants every scope the client has)`,
    granted === 'missing' && tickScopeSteps(scope),
  ].filter((step): step is string => typeof step === 'string');
  return verdict('warn', {
    headline:
      `Warning: scope ${scope.scope} ("${scope.label}"): ${reasons.join('; ')}. ` +
      `Without it these calls fail: ${scopeCalls(scope)}${also}.`,
    advice: steps.join('; '),
  });
}

/** Its refresh token may be the only one that still works: the env file's may be rotated out. */
function recoveryWarning({ recovery, store }: AdviceInput): VerdictLine | undefined {
  if (!recovery || recovery.keys.length === 0) return undefined;
  const holds = `Warning: the recovery file ${JSON.stringify(recovery.path)} holds ${recovery.keys.join(', ')} `;
  if (store) {
    // lib/custody/store-recovery.ts: GoTo's answer, kept until the store has it.
    return verdict('warn', {
      headline:
        holds +
        "that a run on this machine got from GoTo but could not commit to the grant store, so the store's " +
        'tokens may no longer work.',
      advice:
        'run `npx playwright test --grep @refresh` on this machine with the same GOTO_GRANT_STORE: ' +
        'its token request commits the answer to the store and deletes the file. Do not delete it by hand.',
    });
  }
  return verdict('warn', {
    headline:
      holds +
      "that an earlier run got from GoTo but could not write to the env file, so the env file's tokens " +
      'may no longer work.',
    advice:
      'make the env file writable and run `npx playwright test --grep @refresh`: ' +
      'it moves them into the env file by itself and deletes the recovery file. Do not delete it by hand.',
  });
}

/**
 * Status reads the file and asks GoTo nothing, so it cannot see a rotation that happened
 * elsewhere: the app on Vercel, a CI job and a person's .env may all hold this refresh token,
 * and whichever receives a rotated one is the only holder left (README, "One refresh token,
 * several holders").
 */
function holdersNote({ settings, refresh, store }: AdviceInput): VerdictLine | undefined {
  if (store || settings.target !== 'goto' || refreshTokenGone(refresh)) return undefined;
  return verdict('plain', {
    headline:
      'Note: this file is one holder of the refresh token, and status asks GoTo nothing. ' +
      'If another holder (your app on Vercel, a CI job, another .env) has refreshed and received a rotated token, ' +
      'this one no longer works, and the next refresh here fails with invalid_grant.',
    advice:
      'let one holder refresh and the others take the tokens from it ' +
      '(README, "One refresh token, several holders")',
  });
}

/** The collection does not use .env on the emulator (fixtures/index.ts), so say where it does. */
function emulatorNote({ settings, env, store }: AdviceInput): VerdictLine | undefined {
  if (store || settings.target !== 'emulator' || env.GOTO_ENV_FILE) return undefined;
  return {
    tone: 'plain',
    text:
      'Note: on the emulator target the collection keeps its tokens in test-results/emulator.env; ' +
      '`GOTO_ENV_FILE=test-results/emulator.env npm run status` shows those.',
  };
}

/**
 * The grant store holds no grant to use: none of this name, or one GoTo refused (`needs-reauth`,
 * written by the holder whose refresh got invalid_grant; every holder now fails at once rather
 * than send the dead token again).
 */
function storeVerdict({ store, now }: AdviceInput): VerdictLine | undefined {
  if (!store) return undefined;
  if (!store.stored) {
    return verdict('bad', {
      headline: `No grant in the grant store (${storeName(store)}).`,
      advice:
        'move the grant in from the env file that holds it (GOTO_ENV_FILE, default .env): ' +
        `\`npm run grant -- move-to-store\`; without one, ${authorizeAgain}, ` +
        'with GOTO_GRANT_STORE set: the new grant goes into the store',
    });
  }
  const { record } = store.stored;
  if (record.state !== 'needs-reauth') return undefined;
  const writtenAt = new Date(record.writtenAt);
  return verdict('bad', {
    headline:
      `The grant in the grant store needs a new authorization: GoTo refused its refresh token, ` +
      `and ${record.writtenBy} marked it needs-reauth ${timeSince(writtenAt, now)} ago; ` +
      'every holder of the store fails until then, and none sends the refused token again.',
    advice:
      `${authorizeAgain}, with GOTO_GRANT_STORE set: ` +
      "the new grant becomes the store's next version and clears needs-reauth",
  });
}

/**
 * A refresh token of its own beside the store (in the env file or the environment): whichever
 * of the two GoTo rotates, the other stops working, so one must go.
 */
function otherCopyWarning({ store }: AdviceInput): VerdictLine | undefined {
  if (!store?.otherCopy) return undefined;
  const inFile = store.otherCopy === 'env file';
  return verdict('warn', {
    headline:
      `Warning: GOTO_REFRESH_TOKEN is also set in the ${store.otherCopy}, a second copy beside the grant store's: ` +
      'when GoTo rotates the refresh token for one holder, the other copy stops working.',
    advice: inFile
      ? 'if it is the grant to keep, `npm run grant -- move-to-store` moves it into the store ' +
        'and removes it from the env file; otherwise delete GOTO_REFRESH_TOKEN and GOTO_ACCESS_TOKEN from it'
      : 'unset GOTO_REFRESH_TOKEN where it is set (a CI secret, your shell, a Vercel variable)',
  });
}

/**
 * GOTO_GRANT_STORE in the env file: the collection takes it from the environment only
 * (fixtures/index.ts gives the chain process.env; lib/config/env-target.ts), so with it there
 * every run still keeps the grant in the env file, whatever the store holds.
 */
function storeInFileWarning({ env, fileValues }: AdviceInput): VerdictLine | undefined {
  if (env.GOTO_GRANT_STORE?.trim() || !fileValues?.GOTO_GRANT_STORE?.trim()) return undefined;
  return verdict('warn', {
    headline:
      'Warning: GOTO_GRANT_STORE is set in the env file, where nothing reads it: the collection, status and ' +
      '`npm run grant` take it from the environment only, so the grant is still kept in the env file.',
    advice:
      'set GOTO_GRANT_STORE (and GOTO_GRANT_STORE_KEY) in the environment (your shell, a CI secret, ' +
      'a Vercel variable) and delete them from the env file',
  });
}

/**
 * The verdict, worst first: a waiting recovery file, then the grant store's state, then the
 * tokens, then the scopes the collection needs, then what status cannot see (other holders),
 * then where the emulator keeps them.
 */
export function statusAdvice(input: AdviceInput): VerdictLine[] {
  const store = storeVerdict(input);
  return [
    recoveryWarning(input),
    store ?? tokensVerdict(input),
    storeInFileWarning(input),
    otherCopyWarning(input),
    ...input.scopes.needed.map((needed) => scopeWarning(input, needed)),
    holdersNote(input),
    emulatorNote(input),
  ].filter((line): line is VerdictLine => line !== undefined);
}
