/**
 * A holder of a grant in the grant store, in a process of its own, for the holder protocol's
 * tests: it runs the code the collection's custodian runs (lib/custody/grant-holder-setup.ts),
 * against the emulator as GoTo. Run its bundle (lib/script-bundle.ts) as
 * `node <bundle> '<job as JSON>'`, with the store and the client in its environment.
 *
 * - `loop`: an app instance serving requests: Users/me with the grant's access token, again
 *   and again; when GoTo rejects the token, a new one through the protocol (the rejected one
 *   named), and the call once more. Ends when a line arrives on stdin; prints a summary.
 * - `once`: one access token (with `rejectStored`, as if an API had just rejected the stored
 *   one, so a refresh is due), or with `newGrant` the exchange of that code; prints the outcome.
 *   With `pauseAt`, prints `at <step>` on reaching that step and waits there for a line on
 *   stdin (a test stops it there, SIGKILL or SIGSTOP).
 *
 * It prints `ready` once set up, and `event <type>` for each event of the protocol as it
 * happens. Its output never holds a token: fingerprints only.
 */
import { createInterface } from 'node:readline';
import { rejectsToken, usersMeRequest } from '../../../requests';
import { setUpHolder } from '../../../lib/custody/grant-holder-setup';
import { exchangeSender } from '../../../lib/custody/token-sender';
import { ApiStatusError } from '../../../lib/errors';
import type { HeldToken, HolderStep, HolderTimings } from '../../../lib/grant-store/holder-protocol';
import type { StoreTimeouts } from '../../../lib/grant-store/store-failure';
import { fingerprint } from '../../../lib/http/redact';
import { sendRequest } from '../../../lib/http/send-request';

export type HolderJob = {
  grant: string;
  mode: 'loop' | 'once';
  rejectStored?: boolean;
  /** A code to exchange for a new grant. */
  newGrant?: { code: string; redirectUri: string };
  pauseAt?: HolderStep;
  timings?: Partial<HolderTimings>;
  storeTimeouts?: Partial<StoreTimeouts>;
  /** Between two calls of the loop (a pace, not a wait for anything). */
  loopPauseMs?: number;
  /**
   * How many rejected tokens one call of the loop replaces before it counts as failed. Each
   * revocation rejects a holder's token once at most, so a test that revokes N times gives N + 1:
   * a holder the machine starves may meet all of them in one call. Default 4.
   */
  replacementsPerCall?: number;
};

export type OnceResult =
  | { source: HeldToken['source']; version: number; accessToken: string; events: string[] }
  | { error: { name: string; code?: string; message: string; [fact: string]: unknown }; events: string[] };

export type LoopSummary = {
  calls: number;
  succeeded: number;
  failures: string[];
  sources: Record<string, number>;
};

const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise<void>((resolve) => lines.once('line', () => resolve()));

function errorFacts(error: unknown): Extract<OnceResult, { error: unknown }>['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error))
    if (['string', 'number', 'boolean'].includes(typeof value)) facts[key] = value;
  return { ...facts, name: error.name, message: error.message };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as HolderJob;
  const events: string[] = [];
  const { holder, store, settings } = await setUpHolder(process.env, {
    grant: job.grant,
    run: 'test',
    sendOptions: { attempts: 1 },
    ...(job.timings ? { timings: job.timings } : {}),
    ...(job.storeTimeouts ? { storeTimeouts: job.storeTimeouts } : {}),
    onEvent: (event) => {
      if (event.type === 'exchange') return;
      const name = event.type === 'recovery' ? `recovery:${event.outcome}` : event.type;
      events.push(name);
      process.stdout.write(`event ${name}\n`);
    },
    onStep: async (step) => {
      if (step !== job.pauseAt) return;
      process.stdout.write(`at ${step}\n`);
      await nextLine();
    },
  });
  try {
    process.stdout.write('ready\n');
    if (job.mode === 'loop') {
      const stopped = nextLine();
      let stop = false;
      void stopped.then(() => (stop = true));
      process.stdout.write(`${JSON.stringify(await serve(holder, settings.apiBaseUrl, () => stop, job))}\n`);
      return;
    }
    let result: OnceResult;
    try {
      let held: HeldToken;
      if (job.newGrant) {
        held = await holder.newGrant(
          exchangeSender({ ...settings, redirectUri: job.newGrant.redirectUri }, { code: job.newGrant.code }, {}),
        );
      } else {
        const stored = job.rejectStored ? (await store.read())?.record.accessToken : null;
        held = await holder.accessToken(stored ? { rejected: fingerprint(stored) } : {});
      }
      result = {
        source: held.source,
        version: held.grant.version,
        accessToken: fingerprint(held.accessToken),
        events,
      };
    } catch (error) {
      result = { error: errorFacts(error), events };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    lines.close();
    await store.close();
  }
}

/**
 * Users/me until told to stop; a rejected token is replaced through the protocol, up to
 * `replacementsPerCall` times per call, and never by itself (that fails the call at once).
 */
async function serve(
  holder: Awaited<ReturnType<typeof setUpHolder>>['holder'],
  apiBaseUrl: string,
  stopped: () => boolean,
  job: HolderJob,
): Promise<LoopSummary> {
  const summary: LoopSummary = { calls: 0, succeeded: 0, failures: [], sources: {} };
  const use = (held: HeldToken) => {
    summary.sources[held.source] = (summary.sources[held.source] ?? 0) + 1;
    return held.accessToken;
  };
  let token = '';
  while (!stopped()) {
    summary.calls += 1;
    try {
      token ||= use(await holder.accessToken());
      for (let replaced = 0; ; replaced++) {
        try {
          await sendRequest(usersMeRequest({ apiBaseUrl, accessToken: token }), { attempts: 1 });
          summary.succeeded += 1;
          break;
        } catch (error) {
          if (!(error instanceof ApiStatusError && rejectsToken(error)) || replaced === (job.replacementsPerCall ?? 4))
            throw error;
          const rejected = token;
          token = use(await holder.accessToken({ rejected: fingerprint(rejected) }));
          if (token === rejected) throw new Error('the protocol handed back the token the API had just rejected');
        }
      }
    } catch (error) {
      token = '';
      const { code, status, error: said } = error as { code?: string; status?: number; error?: string };
      summary.failures.push([code ?? String(error), status, said].filter(Boolean).join(' '));
    }
    await new Promise((resolve) => setTimeout(resolve, job.loopPauseMs ?? 5));
  }
  return summary;
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: errorFacts(error), events: [] })}\n`);
  process.exitCode = 1;
});
