import * as z from 'zod';
import { jsonReply, type Incoming, type Reply } from './http-io';

/** What the GoTo and Vercel control APIs share: JSON bodies checked with zod, plain errors. */

/** Parses a JSON body (an empty one counts as `{}`) and validates it. */
export function withBody<T>(incoming: Incoming, schema: z.ZodType<T>, use: (value: T) => Reply): Reply {
  let json: unknown = {};
  if (incoming.rawBody.trim() !== '') {
    try {
      json = JSON.parse(incoming.rawBody);
    } catch {
      return jsonReply(400, { error: 'the body is not valid JSON' });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return jsonReply(400, { error: z.prettifyError(parsed.error) });
  return use(parsed.data);
}

export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A path segment, percent-decoded (ids may hold `:`, `%` or `+`); null when malformed. */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function notFound(): Reply {
  return jsonReply(404, { error: 'no such control route' });
}

export function methodNotAllowed(allow: string): Reply {
  return jsonReply(405, { error: `use ${allow}` }, { allow });
}
