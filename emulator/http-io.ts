import type { IncomingMessage, ServerResponse } from 'node:http';

/** Parameters from a query string or a form body, with the names that came more than once. */
export type Params = { values: Record<string, string>; repeated: string[] };

/** A request read in full: the route handlers are plain functions of this. */
export type Incoming = {
  method: string;
  url: URL;
  /** Names lowercased (Node already does); repeated headers joined with ", ". */
  headers: Record<string, string>;
  query: Params;
  /** Only when the body is `application/x-www-form-urlencoded`. */
  form?: Params;
  rawBody: string;
};

/** What a handler answers; `writeReply` puts it on the wire. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string };

export class PayloadTooLargeError extends Error {
  readonly code = 'EMULATOR_PAYLOAD_TOO_LARGE';
}

const MAX_BODY_BYTES = 1_000_000;

export async function readIncoming(req: IncomingMessage, origin: string): Promise<Incoming> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError('request body is larger than 1 MB');
    chunks.push(buffer);
  }
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Concatenated, not resolved: a target like `//host/x` must stay a path on this server.
  const url = new URL(`${origin}${req.url ?? '/'}`);
  const incoming: Incoming = {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    headers,
    query: toParams(url.searchParams),
    rawBody,
  };
  if (isFormContentType(headers['content-type'])) incoming.form = toParams(new URLSearchParams(rawBody));
  return incoming;
}

/** `application/x-www-form-urlencoded`, with or without parameters such as `charset`. */
export function isFormContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** URLSearchParams decodes per the WHATWG form-urlencoded rules: `+` is a space, `%XX` a byte. */
export function toParams(search: URLSearchParams): Params {
  const values: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of search) {
    if (name in values) repeated.add(name);
    else values[name] = value;
  }
  return { values, repeated: [...repeated] };
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function htmlReply(status: number, markup: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8', ...headers }, body: markup };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  // The client may have gone away while a fault delayed the answer.
  if (res.destroyed || res.headersSent) return;
  const body = reply.body ?? '';
  const headers = Object.entries(reply.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-length');
  res.writeHead(reply.status, { ...Object.fromEntries(headers), 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
