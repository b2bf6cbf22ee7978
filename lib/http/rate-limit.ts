import type { PreparedRequest } from '../../requests';
import { fingerprint } from './redact';

/**
 * Keeping to a service's rate limit (GoTo: "default 10 requests per second", "applied per
 * API", docs/goto-facts.md §5e) whatever the number of workers. A request holds a slot from
 * just before it is sent until its answer is in, and the slot stays taken for `perMs` after
 * that: so at most `requests` arrive at the server in any `perMs`, however long each takes on
 * the way (the 11th is granted only once the 1st has been answered, and a full `perMs` has
 * passed since). The rule is `SlotBook`; `localRateLimiter` keeps it in one process, and
 * lib/http/rate-limit-service.ts shares one book between the run's workers.
 */

export type RateLimit = { requests: number; perMs: number };

/** Gives out slots; the returned function gives the slot back once the answer is in. */
export type RateLimiter = {
  acquire(key: string, limit: RateLimit): Promise<() => Promise<void>>;
};

/**
 * The slots of one service for one caller: `${origin}/${api} ${fingerprint of Authorization}`.
 * The API is the path's first segment (`G2W`, `identity`), as GoTo counts "per API"; the
 * token's fingerprint keeps two callers apart (a test's own sandbox client is not the run's).
 */
export function rateKey(request: PreparedRequest): string {
  const api = request.url.pathname.split('/')[1] ?? '';
  const authorization = request.headers.authorization;
  return `${request.url.origin}/${api} ${authorization === undefined ? 'anonymous' : fingerprint(authorization)}`;
}

/** How long an unreturned slot counts as held: a worker that died holding one frees it then. */
export const slotLeaseMs = 120_000;

type Waiter = { limit: RateLimit; grant: (id: number) => void };
type KeyState = { held: Map<number, number>; releasedAt: number[]; waiting: Waiter[]; timer?: NodeJS.Timeout };

/**
 * The book of slots, per key: held ones (with when their lease ends) and the release times
 * of the last `perMs`. Waiters are served in the order they asked.
 */
export class SlotBook {
  private readonly keys = new Map<string, KeyState>();
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves with a slot id once a slot on `key` is free; rejects if `signal` aborts first (the caller went away). */
  take(key: string, limit: RateLimit, signal?: AbortSignal): Promise<number> {
    const state = this.state(key);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { limit, grant: resolve };
      signal?.addEventListener('abort', () => {
        state.waiting = state.waiting.filter((other) => other !== waiter);
        reject(new Error('the caller stopped waiting for a slot'));
      });
      state.waiting.push(waiter);
      this.serve(key);
    });
  }

  /** Gives a slot back: it stays taken for `perMs` from now. */
  give(key: string, id: number): void {
    const state = this.keys.get(key);
    if (!state?.held.delete(id)) return;
    state.releasedAt.push(this.now());
    this.serve(key);
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { held: new Map(), releasedAt: [], waiting: [] };
      this.keys.set(key, state);
    }
    return state;
  }

  /** Grants slots to the first waiters while the limit allows, else waits for the next release to age out. */
  private serve(key: string): void {
    const state = this.state(key);
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    for (;;) {
      const waiter = state.waiting[0];
      if (!waiter) break;
      const now = this.now();
      const { requests, perMs } = waiter.limit;
      for (const [id, leaseEnd] of state.held) if (leaseEnd <= now) this.expire(state, id, leaseEnd);
      state.releasedAt = state.releasedAt.filter((at) => at + perMs > now);
      if (state.held.size + state.releasedAt.length < requests) {
        state.waiting.shift();
        const id = this.nextId++;
        state.held.set(id, now + slotLeaseMs);
        waiter.grant(id);
        continue;
      }
      // Full: the next change is a release (which serves again) or the oldest release ageing out.
      const ages = [...state.releasedAt.map((at) => at + perMs), ...state.held.values()];
      const wakeAt = Math.min(...ages);
      if (Number.isFinite(wakeAt)) state.timer = setTimeout(() => this.serve(key), Math.max(1, wakeAt - now)).unref();
      break;
    }
    if (state.waiting.length === 0 && state.held.size === 0 && state.releasedAt.length === 0) this.keys.delete(key);
  }

  private expire(state: KeyState, id: number, leaseEnd: number): void {
    state.held.delete(id);
    state.releasedAt.push(leaseEnd);
  }
}

/** The limit kept within this process only: for a single process (a script), and the rule under test. */
export function localRateLimiter(book = new SlotBook()): RateLimiter {
  return {
    async acquire(key, limit) {
      const id = await book.take(key, limit);
      return () => Promise.resolve(book.give(key, id));
    },
  };
}
