import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimiterError } from '../errors';
import { SlotBook, type RateLimiter } from './rate-limit';

/**
 * One `SlotBook` for the whole run, reached by every worker over HTTP on 127.0.0.1: global
 * setup starts it in the runner's process (fixtures/rate-limit-setup.ts) and puts its URL in
 * GOTO_RUNNER_RATE_LIMITER, which the workers inherit. `POST /slots` with `{key, requests,
 * perMs}` answers `{slot}` once a slot is free (the answer is the wait); `DELETE /slots/{id}`
 * gives it back. A worker that dies holding a slot frees it when its lease ends; one that
 * goes away while waiting is forgotten. It holds no secret: keys carry fingerprints only.
 */

export type RateLimitService = { url: string; close(): Promise<void> };

export const rateLimiterVariable = 'GOTO_RUNNER_RATE_LIMITER';

export async function startRateLimitService(): Promise<RateLimitService> {
  const book = new SlotBook();
  const keyOf = new Map<number, string>();
  const server = createServer((req, res) => void answer(req, res, book, keyOf));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

type SlotAsk = { key: string; requests: number; perMs: number };

async function answer(req: IncomingMessage, res: ServerResponse, book: SlotBook, keyOf: Map<number, string>) {
  const path = req.url ?? '/';
  if (req.method === 'POST' && path === '/slots') {
    const ask = parseAsk(await readBody(req));
    if (!ask) return reply(res, 400, { error: 'expected {"key": string, "requests": number, "perMs": number}' });
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const slot = await book.take(ask.key, ask, gone.signal).catch(() => undefined);
    if (slot === undefined) return;
    // Granted to a worker that went away meanwhile: give it back at once.
    if (res.destroyed) return book.give(ask.key, slot);
    keyOf.set(slot, ask.key);
    return reply(res, 200, { slot });
  }
  const released = req.method === 'DELETE' ? /^\/slots\/(\d+)$/.exec(path) : null;
  if (released) {
    const slot = Number(released[1]);
    const key = keyOf.get(slot);
    keyOf.delete(slot);
    if (key !== undefined) book.give(key, slot);
    res.writeHead(204).end();
    return;
  }
  reply(res, 404, { error: 'POST /slots or DELETE /slots/{id}' });
}

function parseAsk(text: string): SlotAsk | undefined {
  try {
    const value = JSON.parse(text) as Partial<SlotAsk>;
    const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
    return typeof value.key === 'string' && positive(value.requests) && positive(value.perMs)
      ? { key: value.key, requests: value.requests, perMs: value.perMs }
      : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** A worker's client of the run's service: one slot per request, over Node's `fetch`. */
export function remoteRateLimiter(url: string): RateLimiter {
  const base = url.replace(/\/+$/, '');
  const failed = (cause: unknown) => new RateLimiterError({ url: base, reason: networkCode(cause) ?? 'no answer' });
  return {
    async acquire(key, limit) {
      let response: Response;
      try {
        response = await fetch(`${base}/slots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key, ...limit }),
        });
      } catch (cause) {
        throw failed(cause);
      }
      const body = (await response.json().catch(() => ({}))) as { slot?: unknown };
      if (response.status !== 200 || typeof body.slot !== 'number')
        throw new RateLimiterError({ url: base, reason: `HTTP ${response.status}` });
      const slot = body.slot;
      // The release is sent, not waited for: the service counts the slot as held until it
      // arrives, later than the answer and never sooner, so the limit is kept, and the request
      // does not wait one more round trip to the runner. The slot's lease frees one that is
      // lost (the worker gone first): that slows the run a little, no more.
      return () => {
        fetch(`${base}/slots/${slot}`, { method: 'DELETE' })
          .then((response) => response.body?.cancel())
          .catch(() => undefined);
        return Promise.resolve();
      };
    },
  };
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
