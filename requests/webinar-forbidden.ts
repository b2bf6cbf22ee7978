import type { FailureFacts } from './request-definition';
import { missingScopeSteps, webinarScope } from './goto-scopes';

/**
 * Why the GoTo Webinar API may answer 403 when it did not reject the token itself
 * (`InvalidToken`, requests/api-endpoint.ts). GoTo's OpenAPI declares 403 "Forbidden" on
 * every operation and says no more (docs/goto-webinar-v2-openapi.yml), and no GoTo page says
 * what a missing scope, a foreign key or an unlicensed account is answered with: these are
 * the causes GoTo's own words make possible, each with the words it rests on. The advice
 * names all of them, and puts first the one GoTo's answer points at, when it points at one.
 */

export type ForbiddenCause = 'missing-scope' | 'foreign-key' | 'no-licence';

/** Which key the call's path names: `/organizers/{organizerKey}/…` or `/accounts/{accountKey}/…`. */
export type WebinarPathKey = 'organizerKey' | 'accountKey';

type CauseRule = {
  cause: ForbiddenCause;
  /** Words in GoTo's `int_err_code`/`msg` (or `error`/`error_description`) that point at this cause: our reading. */
  pointers: RegExp;
  /** The cause and what to do about it, in words. */
  says: (pathKey: WebinarPathKey | undefined) => string;
};

/**
 * The causes, most specific first: an answer that names a licence or a scope says more than
 * one that only names the organizer (an "organizer without a licence" is a licence problem).
 */
const causeRules: readonly CauseRule[] = [
  {
    cause: 'missing-scope',
    // RFC 6750 §3.1 `insufficient_scope`, or an answer that speaks of scopes.
    pointers: /insufficient_scope|\bscopes?\b/i,
    // GoTo's Webinar OpenAPI, info.description: "`collab:` must be used when a token is
    // requested from the Authentication API."
    says: () => missingScopeSteps(webinarScope),
  },
  {
    cause: 'no-licence',
    pointers: /licen[cs]|entitle|subscription|\btrial\b|\bproduct\b|\bplan\b/i,
    // GoTo's Webinar OpenAPI, "Getting Started": "Obtain a product account as needed. Trial
    // versions will work, but last only 30 days."
    says: () =>
      'the GoTo account of the user who authorized has no GoTo Webinar licence, or its trial ended ' +
      '(GoTo: "Obtain a product account as needed. Trial versions will work, but last only 30 days"): ' +
      'check in the GoTo admin center that this user has GoTo Webinar, or authorize as a user who has it',
  },
  {
    cause: 'foreign-key',
    pointers: /organi[sz]er|\buser ?key\b|\baccount ?key\b|\bowner\b|belong/i,
    says: (pathKey) =>
      pathKey === 'accountKey'
        ? // GoTo's Webinar OpenAPI, "Getting Started": "We recommend a full-featured account,
          // preferably with an Admin role."
          'the account key in the path is not an account of the user who authorized, or the user is not ' +
          'its admin (GoTo recommends "a full-featured account, preferably with an Admin role"): use an ' +
          'account key from Users/me (`accounts[].value`) and authorize as an admin of that account'
        : // GoTo's Webinar OpenAPI: getWebinars answers "for the currently authenticated organizer",
          // and "Both userKey and organizerKey used in the APIs contain the same value"; the v1 docs
          // list webinars where the user is only a co-organizer, whose organizerKey is another user's.
          'the organizer key in the path is not the key of the user who authorized: GOTO_ORGANIZER_KEY is ' +
          'another user’s, or the webinar’s organizerKey belongs to its organizer while this user is only ' +
          'a co-organizer (GoTo: "Both userKey and organizerKey used in the APIs contain the same value"): ' +
          'remove GOTO_ORGANIZER_KEY from the env file, and Users/me stores the right one',
  },
];

/** The cause GoTo's answer points at, by the words of its error code and description; undefined when it names none. */
export function forbiddenLeadCause(facts: Pick<FailureFacts, 'error' | 'description'>): ForbiddenCause | undefined {
  const said = [facts.error, facts.description].filter(Boolean).join(' ');
  if (said === '') return undefined;
  return causeRules.find((rule) => rule.pointers.test(said))?.cause;
}

/**
 * The advice for a Webinar 403 that is not `InvalidToken`: every known cause, the one GoTo's
 * answer points at first. GoTo's own code and description stand before it in the error's
 * message (lib/errors/api-status-error.ts).
 */
export function webinarForbiddenAdvice(
  facts: Pick<FailureFacts, 'error' | 'description'>,
  pathKey: WebinarPathKey | undefined,
): string {
  const lead = forbiddenLeadCause(facts);
  const numbered = (rules: readonly CauseRule[]) =>
    rules.map((rule, index) => `(${index + 1}) ${rule.says(pathKey)}.`).join(' ');
  if (lead === undefined) {
    return (
      'GoTo’s answer does not say why, and GoTo documents no reason for a Webinar 403. ' +
      `Its known causes: ${numbered(causeRules)}`
    );
  }
  const [first, ...others] = [...causeRules].sort((a, b) => Number(b.cause === lead) - Number(a.cause === lead));
  return (
    `GoTo’s answer points at this cause of a Webinar 403: ${first?.says(pathKey) ?? ''}. ` +
    `If not, the other known causes: ${numbered(others)}`
  );
}
