/**
 * The broker an app's server routes call for GoTo's access token, over the grant store
 * GOTO_GRANT_STORE names: every holder of the grant (this app's instances, CI, laptops) follows
 * the same protocol (lib/grant-store/holder-protocol.ts), so the app never holds a refresh
 * token of its own, and never sends one another holder rotated out.
 *
 * Within one process (one warm serverless instance serving requests side by side), concurrent
 * calls share one answer: one store read, and at most one refresh. Nothing here imports
 * Playwright, and nothing is opened at import: the store connects on the first call.
 */
import { refreshTokenStep } from '../../requests';
import type { Env } from '../config/env-target';
import { fileKeeper } from '../custody/store-recovery';
import { refreshSender } from '../custody/token-sender';
import { holderId } from '../grant-store/grant-record';
import type { GrantStore } from '../grant-store/grant-store';
import { GrantHolder } from '../grant-store/holder-protocol';
import type { HolderTimings } from '../grant-store/holder-timings';
import { openGrantStore } from '../grant-store/open-grant-store';
import type { StoreTimeouts } from '../grant-store/store-failure';
import { fingerprint } from '../http/redact';
import { brokerSettings } from './broker-settings';

/** Tokens one `fetch` goes through at most: other holders' refreshes may revoke several in a row. */
export const MAX_TOKEN_REPLACEMENTS = 4;

export type GrantBrokerOptions = {
  /** Where the settings come from: GOTO_CLIENT_ID, GOTO_CLIENT_SECRET, GOTO_GRANT_STORE, … Default `process.env`. */
  env?: Env;
  /** Who this app is in the record's `writtenBy` (with host and process). Default `broker`. */
  name?: string;
  /**
   * An env file whose recovery file (beside it, mode 0600) keeps GoTo's answer until the
   * store has it, for an app on a machine with a lasting disk. None by default: a serverless
   * function's disk does not outlive it, and the holder retries the commit instead.
   */
  recoveryEnvFile?: string;
  /**
   * For the token requests: how long to wait for each answer (default 30000 ms), and how many
   * times at most a request is sent when the answer says a retry is safe (default 3).
   */
  sendOptions?: { timeoutMs?: number; attempts?: number };
  /** The protocol's lease, waits and the access token's minimum remaining life. */
  timings?: Partial<HolderTimings>;
  /** How long a store operation may take before the call fails naming the store. */
  storeTimeouts?: Partial<StoreTimeouts>;
};

/** GoTo's access token for the grant, and what the app needs with it; no refresh token, ever. */
export type BrokerToken = {
  accessToken: string;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
  /**
   * The organizer the grant belongs to (the Webinar API's `organizerKey`): the record's (a
   * grant moved in with `npm run grant -- move-to-store` has it), else GOTO_ORGANIZER_KEY.
   */
  organizerKey: string | undefined;
  /** The account's email (GoTo's `principal`), when known. */
  principal: string | undefined;
  /** The scopes granted, when known. */
  scopes: string[];
  /** The grant's version in the store the token is from. */
  version: number;
  /** `stored`: the store's token served; `stored-meanwhile`: another holder refreshed; `refreshed`: this call did. */
  source: 'stored' | 'stored-meanwhile' | 'refreshed' | 'authorized';
};

export type AccessTokenRequest = {
  /**
   * The access token an API just rejected (GoTo Users/me 401, the Webinar API 403
   * `InvalidToken`): the broker then gives another one, the one a peer stored since or a new
   * one from a refresh, never this one again.
   */
  rejected?: string;
};

/** Whether a GoTo API answer rejects the access token itself, so that another one may cure it. */
export async function rejectsAccessToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  // The Webinar API answers a revoked or expired token with 403 and `int_err_code: InvalidToken`
  // (n8n-io/n8n issue 14077); any other 403 (a scope, a licence) a new token cannot cure.
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { int_err_code?: unknown } | undefined;
  return body?.int_err_code === 'InvalidToken';
}

export class GrantBroker {
  readonly #options: GrantBrokerOptions;
  readonly #organizerKey: string | undefined;
  #holder: Promise<{ holder: GrantHolder; store: GrantStore }> | undefined;
  /** The calls under way, by the fingerprint of the token they replace ('' for none): concurrent callers share them. */
  readonly #flights = new Map<string, Promise<BrokerToken>>();

  constructor(options: GrantBrokerOptions = {}) {
    this.#options = options;
    this.#organizerKey = (options.env ?? process.env).GOTO_ORGANIZER_KEY?.trim() || undefined;
  }

  /**
   * The grant's current access token: the stored one while it has enough life left (and is not
   * `rejected`), else the one another holder stored meanwhile, else a new one from a refresh
   * under the store's lease. Throws a GrantHolderError (the grant needs authorizing again, the
   * lease is busy, the store does not answer) or a ConfigError; none holds a token or a URL.
   */
  accessToken(request: AccessTokenRequest = {}): Promise<BrokerToken> {
    const key = request.rejected === undefined ? '' : fingerprint(request.rejected);
    const flying = this.#flights.get(key);
    if (flying) return flying;
    const flight = this.#fly(key).finally(() => this.#flights.delete(key));
    this.#flights.set(key, flight);
    return flight;
  }

  /**
   * `fetch` with the grant's access token as its bearer (RFC 6750 §2.1). When GoTo rejects the
   * token itself, the request goes again with the token `accessToken({ rejected })` gives:
   * another holder's refresh may revoke several tokens in a row (a server that revokes earlier
   * access tokens at each refresh, as GoTo's 2017 page says), so this goes on while each answer
   * brings a token not tried yet, up to MAX_TOKEN_REPLACEMENTS. The body must be one that can
   * be sent again (a string, not a stream).
   */
  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const send = (token: string) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      if (!headers.has('accept')) headers.set('accept', 'application/json');
      return fetch(input, { ...init, headers });
    };
    let { accessToken } = await this.accessToken();
    const tried = new Set<string>();
    for (;;) {
      tried.add(accessToken);
      const response = await send(accessToken);
      if (tried.size > MAX_TOKEN_REPLACEMENTS || !(await rejectsAccessToken(response))) return response;
      const replacement = (await this.accessToken({ rejected: accessToken })).accessToken;
      if (tried.has(replacement)) return response;
      await response.body?.cancel();
      accessToken = replacement;
    }
  }

  /** Closes the store's connection; the next call opens it again. */
  async close(): Promise<void> {
    const opened = this.#holder;
    this.#holder = undefined;
    await (await opened?.catch(() => undefined))?.store.close();
  }

  async #fly(rejected: string): Promise<BrokerToken> {
    const { holder } = await this.#opened();
    const held = await holder.accessToken(rejected === '' ? {} : { rejected });
    const { record, version } = held.grant;
    return {
      accessToken: held.accessToken,
      expiresAt: held.accessTokenExpiresAt,
      organizerKey: record.organizerKey ?? this.#organizerKey,
      principal: record.principal ?? undefined,
      scopes: record.scopes?.split(' ') ?? [],
      version,
      source: held.source,
    };
  }

  #opened(): Promise<{ holder: GrantHolder; store: GrantStore }> {
    if (!this.#holder) {
      const opening = this.#open();
      // A failed opening (a setting missing, a key that is not one) is tried again at the next call.
      opening.catch(() => {
        if (this.#holder === opening) this.#holder = undefined;
      });
      this.#holder = opening;
    }
    return this.#holder;
  }

  async #open(): Promise<{ holder: GrantHolder; store: GrantStore }> {
    const {
      env = process.env,
      name = 'broker',
      recoveryEnvFile,
      sendOptions = {},
      timings,
      storeTimeouts,
    } = this.#options;
    const settings = brokerSettings(env);
    const store = await openGrantStore(env, storeTimeouts ? { timeouts: storeTimeouts } : {});
    const holder = new GrantHolder({
      store,
      holder: holderId(name),
      send: refreshSender(settings, sendOptions),
      ...(timings ? { timings } : {}),
      ...(recoveryEnvFile ? { keeper: await fileKeeper(recoveryEnvFile, store, refreshTokenStep) } : {}),
    });
    return { holder, store };
  }
}

/** A broker for the grant the environment names; create one per process (module scope) and share it. */
export function createGrantBroker(options: GrantBrokerOptions = {}): GrantBroker {
  return new GrantBroker(options);
}
