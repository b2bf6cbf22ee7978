import { jsonReply, type Reply } from './http-io';

/** The error codes of RFC 6749 §5.2 that the token endpoint uses. */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** RFC 6749 §5.1 applies "no-store" to token responses; errors carry it too so no cache keeps them. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const CLIENT_REALM = 'Basic realm="GoTo emulator", charset="UTF-8"';

/** `{"error", "error_description"}` as GoTo's token endpoint answers (docs/goto-facts.md §4). */
export function tokenError(
  status: 400 | 401 | 405,
  error: TokenErrorCode,
  description: string,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, { error, error_description: description }, { ...NO_STORE, ...headers });
}

/**
 * RFC 6749 §5.2: a failed client authentication is 401 with a `WWW-Authenticate` for the
 * scheme the client used. GoTo answers 401 for client_secret_post too (docs/goto-facts.md §4), so
 * the Basic challenge goes on every invalid_client.
 */
export function invalidClient(description: string): Reply {
  return tokenError(401, 'invalid_client', description, { 'www-authenticate': CLIENT_REALM });
}

/** RFC 6749 §3.2 / §3.1: "parameters MUST NOT be included more than once". */
export function repeatedParameter(names: string[]): Reply | undefined {
  const first = names[0];
  return first === undefined
    ? undefined
    : tokenError(400, 'invalid_request', `parameter "${first}" is repeated (RFC 6749 §3.2)`);
}
