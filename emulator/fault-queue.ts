import * as z from 'zod';
import type { Incoming, Reply } from './http-io';

/** What every canned answer has: the route it replaces and how many requests it applies to. */
export type QueuedFault = { route: string; times?: number };

/**
 * Canned answers waiting for a route, used up one request at a time, oldest first. Each
 * emulated GoTo client and Vercel project has its own, so parallel tests never meet.
 */
export class FaultQueue<F extends QueuedFault> {
  private readonly pending: { fault: F; remaining: number }[] = [];

  add(fault: F): void {
    this.pending.push({ fault, remaining: fault.times ?? 1 });
  }

  take(route: string): F | undefined {
    const index = this.pending.findIndex((entry) => entry.fault.route === route);
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.splice(index, 1);
    return entry.fault;
  }
}

/** The control API's body for a fault on one of `routes`: a canned answer, a delay, or a dropped connection. */
export function faultBodySchema<const Route extends string>(routes: readonly [Route, ...Route[]]) {
  return z
    .strictObject({
      route: z.enum(routes),
      status: z.number().int().min(200).max(599).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional(),
      drop: z.boolean().optional(),
      echo: z.boolean().optional(),
      delayMs: z.number().int().min(0).max(60_000).optional(),
      holdMs: z.number().int().min(0).max(120_000).optional(),
      times: z.number().int().min(1).optional(),
    })
    .refine((fault) => fault.holdMs === undefined || (fault.status === undefined && !fault.drop), {
      message: 'a held answer is the real one: no status, headers, body or drop with holdMs',
      path: ['holdMs'],
    })
    .refine(
      (fault) => !fault.drop || (fault.status === undefined && fault.headers === undefined && fault.body === undefined),
      {
        message: 'a dropped connection has no status, headers or body',
        path: ['drop'],
      },
    )
    .refine((fault) => !fault.echo || fault.status !== undefined, {
      message: 'echo fills in a canned answer: it needs a status',
      path: ['echo'],
    });
}

/** The parts of a canned answer that make up its reply. */
export type CannedReply = { status: number; headers?: Record<string, string>; body?: string; echo?: boolean };

const PLACEHOLDER = /\{\{(form|query|header)\.([^{}\s]+)\}\}/g;

/**
 * The reply a fault with a `status` gives, verbatim; with `echo`, its body and header values
 * filled in from the request it answers, as a server that quotes what it was sent in an
 * error page or a redirect would: `{{form.NAME}}`, `{{query.NAME}}`, `{{header.NAME}}`
 * (header names are case-insensitive) become that value, or nothing when it is absent.
 */
export function cannedReply(fault: CannedReply, incoming: Incoming): Reply {
  const fill = (template: string) =>
    fault.echo
      ? template.replace(PLACEHOLDER, (_, part: string, name: string) => {
          if (part === 'header') return incoming.headers[name.toLowerCase()] ?? '';
          return (part === 'form' ? incoming.form?.values : incoming.query.values)?.[name] ?? '';
        })
      : template;
  const headers = Object.fromEntries(Object.entries(fault.headers ?? {}).map(([name, value]) => [name, fill(value)]));
  return { status: fault.status, headers, body: fill(fault.body ?? '') };
}
