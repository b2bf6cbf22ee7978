import { isDeepStrictEqual } from 'node:util';
import type { ReceivedRequest } from '../../../emulator/control-client';
import type { Artifact } from './artifacts';
import { expectedRedaction } from './fingerprints';

/** A request as its attachment shows it (`RedactedExchange`, lib/http/send-request.ts), read back from a run's output. */
export type ShownExchange = {
  request: { method: string; url: string; headers: Record<string, string>; form?: Record<string, unknown> };
  response?: { status: number; contentType: string | null; body: unknown };
};

/** The two places a person looks at a run's requests. */
export type ShownIn = { 'HTML report': ShownExchange[]; trace: ShownExchange[] };

/** RFC 6749 §4.1.3, §6 and §2.3.1, RFC 7636 §4.5: the form fields whose values are credentials. */
const SECRET_FORM_FIELDS = new Set(['code', 'refresh_token', 'client_secret', 'code_verifier']);

/**
 * The exchanges a run's attachments show: those in the HTML report's embedded test data
 * (`attachments[].body`) and those in its traces (`trace.zip!attachments/…`, the report's
 * copies included), each read back as JSON.
 */
export function shownExchanges(artifacts: Artifact[]): ShownIn {
  const shown: ShownIn = { 'HTML report': [], trace: [] };
  for (const artifact of artifacts) {
    if (/\.zip!attachments\//.test(artifact.name)) {
      shown.trace.push(...exchangesIn([parseJson(artifact.text)]));
    } else if (/index\.html#embedded-\d+!.+\.json$/.test(artifact.name)) {
      const bodies = attachmentsIn(parseJson(artifact.text)).flatMap((attachment) =>
        attachment.contentType === 'application/json' && typeof attachment.body === 'string'
          ? [parseJson(attachment.body)]
          : [],
      );
      shown['HTML report'].push(...exchangesIn(bodies));
    }
  }
  return shown;
}

/**
 * Whether `exchange` shows this one request the emulator received: same method, path and
 * query, the same `Authorization` scheme with that request's own credentials as their
 * fingerprint, and its form with each credential field as that value's fingerprint.
 */
export function showsRequest(exchange: ShownExchange, request: ReceivedRequest): boolean {
  const url = new URL(exchange.request.url);
  if (exchange.request.method !== request.method || url.pathname !== request.path) return false;
  if (!isDeepStrictEqual(Object.fromEntries(url.searchParams), request.query)) return false;
  const sent = request.headers.authorization;
  const shownAuthorization = Object.entries(exchange.request.headers).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const [scheme = '', credentials = ''] = sent?.split(' ', 2) ?? [];
  if (shownAuthorization !== (sent === undefined ? undefined : `${scheme} ${expectedRedaction(credentials)}`))
    return false;
  const form =
    request.form &&
    Object.fromEntries(
      Object.entries(request.form).map(([name, value]) => [
        name,
        SECRET_FORM_FIELDS.has(name) ? expectedRedaction(value) : value,
      ]),
    );
  return isDeepStrictEqual(exchange.request.form, form);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function attachmentsIn(value: unknown): Array<{ contentType?: unknown; body?: unknown }> {
  if (Array.isArray(value)) return value.flatMap(attachmentsIn);
  if (!value || typeof value !== 'object') return [];
  const own = (value as { attachments?: unknown }).attachments;
  return [
    ...(Array.isArray(own) ? (own as Array<{ contentType?: unknown; body?: unknown }>) : []),
    ...Object.entries(value).flatMap(([key, inner]) => (key === 'attachments' ? [] : attachmentsIn(inner))),
  ];
}

function exchangesIn(values: unknown[]): ShownExchange[] {
  return values.filter((value): value is ShownExchange => {
    const request = (value as { request?: Partial<ShownExchange['request']> } | undefined)?.request;
    return (
      typeof request?.method === 'string' &&
      typeof request.url === 'string' &&
      !!request.headers &&
      typeof request.headers === 'object'
    );
  });
}
