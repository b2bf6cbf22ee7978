/**
 * A holder of the grant in the store GOTO_GRANT_STORE names, set up from the settings: the
 * store, the refresh sender (RFC 6749 §2.3.1 Basic, with GoTo's plain form as fallback), and
 * the recovery file beside the env file that keeps GoTo's answer until the store has it. The
 * collection's custodian uses it (lib/custody/store-custody.ts), and so do the tests that stop
 * a holder at each step of the protocol, so both run the same code.
 */
import type { Env } from '../config/env-target';
import { loadSettings, requireSettings, type Settings } from '../config/goto-settings';
import { holderId } from '../grant-store/grant-record';
import type { GrantStore } from '../grant-store/grant-store';
import { GrantHolder, type HolderEvent, type HolderStep, type HolderTimings } from '../grant-store/holder-protocol';
import { openGrantStore } from '../grant-store/open-grant-store';
import type { StoreTimeouts } from '../grant-store/store-failure';
import type { SendOptions } from '../http/send-request';
import { refreshTokenStep } from '../../requests';
import { fileKeeper } from './store-recovery';
import { refreshSender, type ExchangeEvent } from './token-sender';

export type HolderSetupOptions = {
  sendOptions?: SendOptions;
  /** The run (or job) this holder works for, in its id. */
  run?: string;
  timings?: Partial<HolderTimings>;
  storeTimeouts?: Partial<StoreTimeouts>;
  grant?: string;
  onStep?: (step: HolderStep) => void | Promise<void>;
  onEvent?: (event: HolderEvent | ExchangeEvent) => void;
};

export type HolderSetup = {
  holder: GrantHolder;
  store: GrantStore;
  settings: Settings & { clientId: string; clientSecret: string };
  /** This holder's id: the record's `writtenBy` when it writes. */
  id: string;
};

export async function setUpHolder(env: Env, options: HolderSetupOptions = {}): Promise<HolderSetup> {
  const settings = requireSettings(loadSettings(env), ['clientId', 'clientSecret']);
  const store = await openGrantStore(env, {
    ...(options.grant ? { grant: options.grant } : {}),
    ...(options.storeTimeouts ? { timeouts: options.storeTimeouts } : {}),
  });
  const id = holderId(options.run);
  const holder = new GrantHolder({
    store,
    holder: id,
    send: refreshSender(settings, options.sendOptions ?? {}, options.onEvent),
    timings: { leaseWaitMs: settings.lockTimeoutMs, ...options.timings },
    keeper: await fileKeeper(settings.envFile, store, refreshTokenStep),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { holder, store, settings, id };
}
