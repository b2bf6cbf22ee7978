import { parseLosslessJson } from './lossless-json';

/**
 * What a response's bytes turned out to be, read once and shared by the sender's steps. A
 * JSON value holds an integer past `Number.MAX_SAFE_INTEGER` as a `LosslessNumber`
 * (./lossless-json.ts), every other number as a number.
 */
export type ResponseBody = {
  text: string;
  contentType: string | null;
  json: { ok: true; value: unknown } | { ok: false };
};

export function readResponseBody(text: string, contentType: string | null): ResponseBody {
  return { text, contentType, json: parseJson(text) };
}

/**
 * A response as the sender's steps read it: its status, its headers and its whole body, read
 * once (the sender records it and processes it, lib/http/process-response.ts).
 */
export type ReceivedResponse = { status: number; headers: Headers; body: ResponseBody };

/**
 * A response given as its status, headers and body text, also as a server may send it where a
 * WHATWG `Response` cannot be made so: a 204 with bytes, a string body without a content-type
 * (`new Response` gives it text/plain).
 */
export function receivedResponse(
  status: number,
  headers: ConstructorParameters<typeof Headers>[0],
  text: string,
): ReceivedResponse {
  const all = new Headers(headers);
  return { status, headers: all, body: readResponseBody(text, all.get('content-type')) };
}

/** Reads a WHATWG `Response` whole. Its body can be read only once: this is that once. */
export async function readResponse(response: Response): Promise<ReceivedResponse> {
  return receivedResponse(response.status, response.headers, await response.text());
}

/** The media type of a content-type (RFC 9110 §8.3.1), lowercased, without parameters; only if well-formed. */
export function mediaType(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : undefined;
}

/** Tokens a response carries, so a truncated or odd body is still shown without them. */
export function tokensIn(body: ResponseBody): string[] {
  const value = body.json.ok ? body.json.value : undefined;
  if (!value || typeof value !== 'object') return [];
  return ['access_token', 'refresh_token']
    .map((name) => (value as Record<string, unknown>)[name])
    .filter((token): token is string => typeof token === 'string');
}

function parseJson(text: string): ResponseBody['json'] {
  try {
    return { ok: true, value: parseLosslessJson(text) };
  } catch {
    return { ok: false };
  }
}
