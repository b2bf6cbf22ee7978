/**
 * An instance of an app that takes GoTo's access token from the broker (lib/broker), in a
 * process of its own: `concurrency` requests at a time, each a Webinar list through
 * `broker.fetch`, until a line arrives on stdin; then it prints a summary (never a token).
 * Run its bundle (lib/script-bundle.ts) as `node <bundle> '<job as JSON>'`, with the store,
 * the client and GOTO_ORGANIZER_KEY in its environment.
 */
import { createInterface } from 'node:readline';
import { createGrantBroker } from '../../../lib/broker';

export type BrokerAppJob = {
  /** Requests served side by side, as one warm instance serves several at once. */
  concurrency: number;
  /**
   * The life an access token must have left to be used (the broker's `minValidityMs`): just
   * under the hour, so that a token counts as due a few seconds after it was issued, and the
   * instances refresh again and again while they serve.
   */
  minValidityMs: number;
};

export type BrokerAppSummary = {
  calls: number;
  succeeded: number;
  /** `status int_err_code`, or an error's code, of each call that failed. */
  failures: string[];
  /** How the broker's tokens came: stored, stored-meanwhile, refreshed. */
  sources: Record<string, number>;
};

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BrokerAppJob;
  const broker = createGrantBroker({ name: 'scenario-app', timings: { minValidityMs: job.minValidityMs } });
  const summary: BrokerAppSummary = { calls: 0, succeeded: 0, failures: [], sources: {} };
  let stop = false;
  const lines = createInterface({ input: process.stdin });
  lines.once('line', () => (stop = true));
  const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const serve = async () => {
    while (!stop) {
      summary.calls += 1;
      try {
        const token = await broker.accessToken();
        summary.sources[token.source] = (summary.sources[token.source] ?? 0) + 1;
        const response = await broker.fetch(
          `${process.env.GOTO_API_BASE_URL}/G2W/rest/v2/organizers/${token.organizerKey}/webinars?fromTime=${from}&toTime=${to}`,
        );
        if (response.ok) summary.succeeded += 1;
        else {
          const body = (await response.json().catch(() => ({}))) as { int_err_code?: string };
          summary.failures.push(`${response.status} ${body.int_err_code ?? ''}`.trim());
        }
      } catch (error) {
        summary.failures.push((error as { code?: string }).code ?? String(error));
      }
    }
  };
  process.stdout.write('ready\n');
  await Promise.all(Array.from({ length: job.concurrency }, serve));
  await broker.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  // A paused stdin still holds the process open: it is done with.
  lines.close();
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exitCode = 1;
});
