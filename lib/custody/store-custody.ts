/**
 * A token request of the collection with GOTO_GRANT_STORE set: the grant store's protocol
 * (lib/grant-store/holder-protocol.ts) instead of the env file's lock, run in the token
 * custodian (lib/custody/custodian-process.ts), which signals meant for the run do not reach.
 * So once GoTo answered, the custodian keeps the answer (in the recovery file beside the env
 * file), commits it, and retries the commit while the store does not answer, whatever stops
 * the run; a run SIGKILLed meanwhile leaves the custodian to finish.
 *
 * The env file keeps the client's settings (and the organizer key); the tokens are the store's.
 * The run ledger (lib/custody/run-ledger.ts) keeps what it keeps for the env file: the grants
 * this run used, and a failure that stops the run's other token requests.
 *
 * Nothing here imports Playwright; nothing here prints or throws a secret.
 */
import type { TokenResponse } from '../../requests';
import { grantStoreSelected } from '../config/env-target';
import { loadSettings, requireSettings, type Settings } from '../config/goto-settings';
import { updateEnvFile } from '../env-file/env-file-store';
import { describeStore, isGotoRunnerError, TokenRequestWithheldError } from '../errors';
import { nameOfStore, type GrantStore } from '../grant-store/grant-store';
import {
  REUSE_MIN_VALIDITY_MS,
  type GrantHolder,
  type HeldToken,
  type HolderEvent,
} from '../grant-store/holder-protocol';
import { checkAuthCode } from '../goto/auth-code';
import { fingerprint } from '../http/redact';
import { setUpHolder, type HolderSetup } from './grant-holder-setup';
import { readRunLedger, writeRunLedger, type Grant, type RunLedger } from './run-ledger';
import type { CustodyEvent, CustodyOutcome, CustodyPlan } from './token-custody';
import { exchangeSender } from './token-sender';

/** Whether GOTO_GRANT_STORE names a store: then every token request goes through it. */
export { grantStoreSelected };

export type StoreSectionHooks = { onEvent?: (event: CustodyEvent) => void; beforeSend?: () => void };

/** The grant store's words for what happened, for the run's output. */
function note(event: HolderEvent, store: GrantStore): string {
  const where = `the grant "${store.grant}" in ${nameOfStore(store)}`;
  switch (event.type) {
    case 'waiting':
      return (
        `Waiting for another holder: ${event.holder ?? 'another holder'} holds the lease of ${where}. ` +
        `This run goes on once that one has committed its answer (waiting up to ${Math.round(event.leaseWaitMs / 1000)} s, GOTO_LOCK_TIMEOUT).`
      );
    case 'lease-lost':
      return "This run's lease of the grant ran out before its commit (it was paused or cut off): the answer is committed over the version it read, if nobody wrote since.";
    case 'commit-retry':
      return `${nameOfStore(store)} did not take the commit (${event.storeError}); retrying, with GoTo's answer kept in the recovery file.`;
    case 'recovery': {
      const file = JSON.stringify(event.path);
      if (event.outcome === 'committed')
        return `Committed GoTo's answer that an earlier run on this machine had kept in ${file} to ${where}; the recovery file is deleted.`;
      if (event.outcome === 'already-in-store')
        return `The answer an earlier run kept in ${file} is in ${where} already; the recovery file is deleted.`;
      if (event.outcome === 'superseded')
        return `The answer an earlier run kept in ${file} is older than what ${where} holds now; the recovery file is deleted.`;
      return `The recovery file ${file} holds an answer that cannot be committed (${where} has a newer version); it is kept.`;
    }
  }
}

function asTokenResponse(held: HeldToken): TokenResponse {
  const left = Date.parse(held.accessTokenExpiresAt) - Date.now();
  const { refreshToken, principal, scopes } = held.grant.record;
  return {
    access_token: held.accessToken,
    expires_in: Math.max(1, Math.floor(left / 1000)),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(scopes ? { scope: scopes } : {}),
    ...(principal ? { principal } : {}),
  };
}

/** What one token request through the store is, read from the plan and the env file before the store opens. */
type StoreRequest = {
  plan: CustodyPlan;
  settings: Settings;
  /** Whether a code is exchanged: the browser login's, or a pasted one (a check's token exchanges a pasted code). */
  exchange: boolean;
  /** GOTO_TOKEN_REQUESTS=off: only a token the store holds is used. */
  off: boolean;
  step: string;
  ledger: RunLedger | undefined;
};

/** What the holder gave, and the grant that got it, for the run ledger. */
type Obtained = { held: HeldToken; grant: Grant };

/**
 * One token request through the grant store. `steps` names the request the way the env file's
 * custody does (token-custody.ts passes its own names in).
 */
export async function runStoreSection(
  plan: CustodyPlan,
  hooks: StoreSectionHooks,
  steps: { exchange: string; refresh: string; run: string },
): Promise<CustodyOutcome> {
  const request = await readRequest(plan, steps);
  refuseWithheld(request);
  let store: GrantStore | undefined;
  try {
    const setup = await openHolder(plan, hooks);
    store = setup.store;
    if (codeExchangedEarlier(request)) return await tokenOfEarlierExchange(request, setup.holder);
    const obtained = request.exchange
      ? await exchangeCode(request, setup.holder, hooks)
      : await refreshOrReuse(request, setup.holder, store);
    await recordObtained(request, obtained);
    return outcomeOf(obtained.held, store);
  } catch (error) {
    await recordFailure(request, error);
    throw error;
  } finally {
    await store?.close();
  }
}

async function readRequest(
  plan: CustodyPlan,
  steps: { exchange: string; refresh: string; run: string },
): Promise<StoreRequest> {
  const settings = loadSettings(plan.env);
  const { operation } = plan;
  const exchange =
    operation.grant === 'authorization_code' || (operation.grant === 'run' && settings.authCode !== undefined);
  const step = exchange ? steps.exchange : operation.grant === 'run' ? steps.run : steps.refresh;
  const ledger = plan.run ? await readRunLedger(plan.run, settings.envFile) : undefined;
  return { plan, settings, exchange, off: plan.env.GOTO_TOKEN_REQUESTS === 'off', step, ledger };
}

/** Refusals made before the store is opened: nothing is sent, and nothing new goes into the ledger. */
function refuseWithheld({ ledger, step, off, exchange }: StoreRequest): void {
  if (ledger?.failure) {
    throw new TokenRequestWithheldError('TOKEN_EARLIER_FAILURE', { step, earlier: ledger.failure });
  }
  if (off && exchange)
    throw new TokenRequestWithheldError('TOKEN_REQUESTS_OFF', {
      step,
      needed: 'a-code-exchange',
      store: describeStore({}),
    });
}

/**
 * The store and a holder of the grant in it. The holder takes the grant's lease before any
 * token request leaves, and `beforeSend` is asked only once it holds it (the custodian refuses
 * to start a request nobody waits for).
 */
async function openHolder(plan: CustodyPlan, hooks: StoreSectionHooks): Promise<HolderSetup> {
  const setup: HolderSetup = await setUpHolder(plan.env, {
    sendOptions: plan.sendOptions,
    ...(plan.run ? { run: plan.run.id } : {}),
    timings: { leaseWaitMs: plan.lockTimeoutMs },
    onEvent: (event) => {
      if (event.type === 'exchange') hooks.onEvent?.(event);
      else hooks.onEvent?.({ type: 'grant-store', note: note(event, setup.store) });
    },
    onStep: (reached) => {
      if (reached === 'leased') hooks.beforeSend?.();
    },
  });
  return setup;
}

/** No code left to exchange: a check beside the exchange step exchanged it earlier in this run. */
function codeExchangedEarlier({ plan: { operation }, settings, exchange }: StoreRequest): boolean {
  return exchange && operation.grant === 'authorization_code' && !operation.code && !settings.authCode;
}

async function tokenOfEarlierExchange(
  { settings, ledger }: StoreRequest,
  holder: GrantHolder,
): Promise<CustodyOutcome> {
  if (!ledger?.grants.includes('authorization_code')) requireSettings(settings, ['authCode']);
  const held = await holder.accessToken();
  return { kind: 'stored-by-this-run', token: asTokenResponse(held), grant: 'authorization_code' };
}

/** The browser login's code, else the pasted one, checked before it is sent, exchanged into a new grant. */
async function exchangeCode(
  { plan, settings }: StoreRequest,
  holder: GrantHolder,
  hooks: StoreSectionHooks,
): Promise<Obtained> {
  const { operation } = plan;
  const pasted = settings.authCode;
  const code = (operation.grant === 'authorization_code' ? operation.code : undefined) ?? pasted ?? '';
  const client = requireSettings(settings, ['clientId', 'clientSecret', 'redirectUri']);
  checkAuthCode(code, {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    now: new Date(Date.now() + (plan.clockOffsetMs ?? 0)),
  });
  const codeVerifier = operation.grant === 'authorization_code' ? operation.codeVerifier : undefined;
  const held = await holder.newGrant(
    exchangeSender(client, { code, codeVerifier }, plan.sendOptions, (event) => hooks.onEvent?.(event)),
  );
  // The code works once: a pasted one leaves the env file now that the store has the grant.
  if (code === pasted) await updateEnvFile(settings.envFile, { GOTO_AUTH_CODE: null });
  return { held, grant: 'authorization_code' };
}

/** The store's access token when it has enough life left, else a refresh; with requests off, only the former. */
async function refreshOrReuse(
  { plan: { operation }, ledger, off, step }: StoreRequest,
  holder: GrantHolder,
  store: GrantStore,
): Promise<Obtained> {
  let rejected = operation.grant === 'refresh_token' ? operation.rejected : undefined;
  // A first-time run proves its refresh token: its refresh step after its own exchange refreshes.
  if (operation.grant === 'refresh_token' && rejected === undefined && ledger?.grants.at(-1) === 'authorization_code')
    rejected = ledger.accessToken ?? undefined;
  const request = rejected === undefined ? {} : { rejected };
  const held = off ? await holder.storedToken(request) : await holder.accessToken(request);
  if (!held)
    throw new TokenRequestWithheldError('TOKEN_REQUESTS_OFF', {
      step,
      needed: 'a-stored-token',
      store: nameOfStore(store),
      minValidityMs: REUSE_MIN_VALIDITY_MS,
    });
  return { held, grant: 'refresh_token' };
}

/** Whether GoTo was asked: the holder refreshed or exchanged, rather than reading what the store held. */
function wasSent(held: HeldToken): boolean {
  return held.source === 'refreshed' || held.source === 'authorized';
}

/** This run's token from now on: its later checks and steps use it too. */
async function recordObtained({ plan, settings, ledger }: StoreRequest, { held, grant }: Obtained): Promise<void> {
  const { operation } = plan;
  if (plan.run)
    await record(plan, settings.envFile, ledger, {
      accessToken: fingerprint(held.accessToken),
      grants: [...(ledger?.grants ?? []), grant],
      ...(operation.grant === 'refresh_token' && operation.rejected !== undefined && wasSent(held)
        ? { refreshedAfterRejection: fingerprint(held.accessToken) }
        : {}),
    });
}

function outcomeOf(held: HeldToken, store: GrantStore): CustodyOutcome {
  const token = asTokenResponse(held);
  if (wasSent(held)) return { kind: 'sent', token };
  return {
    kind: 'stored-in-grant-store',
    token,
    version: held.grant.version,
    store: nameOfStore(store),
    waited: held.source === 'stored-meanwhile',
  };
}

/** What refused this request refuses the run's others too: they are not sent. */
async function recordFailure({ plan, settings, ledger, step }: StoreRequest, error: unknown): Promise<void> {
  if (plan.run && isGotoRunnerError(error))
    await record(plan, settings.envFile, ledger, {
      accessToken: ledger?.accessToken ?? null,
      grants: ledger?.grants ?? [],
      failure: { step, code: error.code, headline: error.headline, details: error.details, advice: error.advice },
    });
}

/** Only an optimisation, as for the env file: without the ledger, the run's next check asks again. */
async function record(
  plan: CustodyPlan,
  envFile: string,
  ledger: RunLedger | undefined,
  entry: Omit<RunLedger, 'runId' | 'envFile'>,
): Promise<void> {
  if (!plan.run) return;
  await writeRunLedger(plan.run, { ...ledger, runId: plan.run.id, envFile, ...entry }).catch(() => undefined);
}
