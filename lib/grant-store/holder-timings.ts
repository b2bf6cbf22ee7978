/**
 * The holder protocol's timings (lib/grant-store/holder-protocol.ts), apart from it so that the
 * broker's published types (dist/types) can name them without the protocol's imports.
 */

/** An access token counts only with this much of its hour left. */
export const REUSE_MIN_VALIDITY_MS = 10 * 60_000;

export type HolderTimings = {
  /**
   * The lease's expiry, renewed every third of it while held: a holder that stops (frozen,
   * killed, cut off from the store) loses it that long after its last renewal.
   */
  leaseTtlMs: number;
  /** How long a holder waits for another holder's lease before it gives up. */
  leaseWaitMs: number;
  /** How long a holder retries a commit while the store does not answer (GoTo's answer in hand). */
  commitRetryMs: number;
  /** An access token counts only with this much life left. */
  minValidityMs: number;
};

export const defaultHolderTimings: HolderTimings = {
  leaseTtlMs: 30_000,
  leaseWaitMs: 60_000,
  commitRetryMs: 30_000,
  minValidityMs: REUSE_MIN_VALIDITY_MS,
};
