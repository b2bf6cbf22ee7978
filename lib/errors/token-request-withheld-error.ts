import { developerCenterUrl } from '../../requests/goto-hosts';
import { GotoRunnerError } from './goto-runner-error';

export type TokenRequestWithheldErrorCode =
  /** GOTO_TOKEN_REQUESTS is off, and the step needs a token request. */
  | 'TOKEN_REQUESTS_OFF'
  /** GoTo rejected the access token this run got by refreshing after a rejection. */
  | 'TOKEN_REJECTED_AGAIN'
  /** An earlier token request of this run failed: the run sends no other. */
  | 'TOKEN_EARLIER_FAILURE';

/** The token request of this run that failed first, as the run's ledger keeps it (lib/custody/run-ledger.ts). */
export type EarlierFailure = {
  step: string;
  code: string;
  headline: string;
  /**
   * The lines between its headline and advice (what the body was instead of JSON, which
   * variables are wrong): without them the headline often ends in a colon and says nothing.
   * Optional because a ledger written before they were kept has none.
   */
  details?: readonly string[];
  advice: string;
};

/** Why a step's token request was held back; never a token. */
export type TokenRequestWithheldFacts = {
  step: string;
  /** For TOKEN_REQUESTS_OFF: what the step needed a request for. */
  needed?: 'any-request' | 'a-code-exchange' | 'a-stored-token';
  /** Where a stored token was looked for: the env file (its path), or the grant store (described). */
  envFile?: string;
  store?: string;
  /** How long a stored access token had to have left. */
  minValidityMs?: number;
  /** For TOKEN_EARLIER_FAILURE. */
  earlier?: EarlierFailure;
};

/**
 * A step's token request was not sent, by the run's own rule: token requests are off
 * (GOTO_TOKEN_REQUESTS=off, for CI shards after a refresh job), a fresh token was rejected
 * too, or an earlier request of the run failed and sending again would only repeat it.
 */
export class TokenRequestWithheldError extends GotoRunnerError {
  declare readonly code: TokenRequestWithheldErrorCode;
  readonly step: string;
  readonly needed: TokenRequestWithheldFacts['needed'];
  readonly envFile: string | undefined;
  readonly store: string | undefined;
  readonly minValidityMs: number | undefined;
  readonly earlier: EarlierFailure | undefined;

  constructor(code: TokenRequestWithheldErrorCode, facts: TokenRequestWithheldFacts) {
    super(code, {
      headline: headlineOf(code, facts),
      ...(code === 'TOKEN_EARLIER_FAILURE' && facts.earlier
        ? { details: [facts.earlier.headline, ...(facts.earlier.details ?? [])] }
        : {}),
      advice: adviceFor(code, facts),
    });
    this.step = facts.step;
    this.needed = facts.needed;
    this.envFile = facts.envFile;
    this.store = facts.store;
    this.minValidityMs = facts.minValidityMs;
    this.earlier = facts.earlier;
  }
}

function headlineOf(code: TokenRequestWithheldErrorCode, facts: TokenRequestWithheldFacts): string {
  const step = `Step "${facts.step}"`;
  switch (code) {
    case 'TOKEN_REQUESTS_OFF': {
      if (facts.needed === 'a-code-exchange')
        return `${step} failed: GOTO_TOKEN_REQUESTS is off and it would exchange a code.`;
      if (facts.needed === 'a-stored-token') {
        const where = facts.store ?? JSON.stringify(facts.envFile ?? '.env');
        const minutes = (facts.minValidityMs ?? 0) / 60_000;
        return `${step} failed: GOTO_TOKEN_REQUESTS is off and ${where} holds no access token with ${minutes} minutes left.`;
      }
      return `${step} was not sent: GOTO_TOKEN_REQUESTS is off, so this run sends no token request.`;
    }
    case 'TOKEN_REJECTED_AGAIN':
      return (
        `${step} was not sent: GoTo rejected this run's access token, the run refreshed once, ` +
        'and GoTo rejected the new access token too, so another refresh would not help.'
      );
    case 'TOKEN_EARLIER_FAILURE':
      return `Step "${facts.earlier?.step ?? '?'}" failed earlier in this run, so no other token request was sent:`;
  }
}

function adviceFor(code: TokenRequestWithheldErrorCode, facts: TokenRequestWithheldFacts): string {
  switch (code) {
    case 'TOKEN_REQUESTS_OFF':
      if (facts.needed === 'any-request' || facts.needed === undefined)
        return 'leave the token steps out of this run (`--grep-invert @tokens`), or unset GOTO_TOKEN_REQUESTS';
      return facts.store !== undefined
        ? 'let one job refresh first (`npx playwright test --grep @refresh`, with the same GOTO_GRANT_STORE), ' +
            'or unset GOTO_TOKEN_REQUESTS'
        : 'refresh first (`npx playwright test --grep @refresh`) and hand this run the env file it wrote, ' +
            'or unset GOTO_TOKEN_REQUESTS';
    case 'TOKEN_REJECTED_AGAIN':
      return (
        'authorize again (`npx playwright test --project=authorize`): the grant may have been revoked ' +
        `or the OAuth client changed at ${developerCenterUrl}`
      );
    case 'TOKEN_EARLIER_FAILURE':
      return facts.earlier?.advice ?? 'see the earlier failure of this run';
  }
}
