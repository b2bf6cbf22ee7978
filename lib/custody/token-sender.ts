import {
  basicAuthorization,
  exchangeCodeRequest,
  refreshTokenRequest,
  type BasicEncoding,
  type PreparedRequest,
  type TokenResponse,
  type oauthErrorSchema,
  type tokenResponseSchema,
} from '../../requests';
import { isGotoRunnerError } from '../errors';
import { sendRequest, shownPath, type RedactedExchange, type SendOptions } from '../http/send-request';

/** A token request was sent (once per attempt series); the exchange is redacted. */
export type ExchangeEvent = {
  type: 'exchange';
  step: string;
  method: string;
  path: string;
  exchange: RedactedExchange;
};

export type TokenRequestBuilder = (
  basicEncoding: BasicEncoding,
) => PreparedRequest<typeof tokenResponseSchema, typeof oauthErrorSchema>;

/**
 * Sends with RFC 6749 §2.3.1 Basic credentials. GoTo's docs show plain `base64(id:secret)`
 * instead, and the two differ for a secret holding `+`, `/` or `=`: when the server answers
 * `invalid_client` and the forms differ, the plain one is tried once. Safe to repeat: a
 * request refused at client authentication used up neither the code nor the refresh token.
 */
export async function sendWithFallback(
  client: { clientId: string; clientSecret: string },
  build: TokenRequestBuilder,
  options: SendOptions,
  onEvent: ((event: ExchangeEvent) => void) | undefined,
): Promise<TokenResponse> {
  const attempt = async (basicEncoding: BasicEncoding) => {
    const request = build(basicEncoding);
    let seen: RedactedExchange | undefined;
    try {
      return (await sendRequest(request, { ...options, onExchange: (exchange) => (seen = exchange) })).body;
    } finally {
      if (seen)
        onEvent?.({
          type: 'exchange',
          step: request.step,
          method: request.method,
          path: shownPath(request),
          exchange: seen,
        });
    }
  };
  try {
    return await attempt('form-urlencoded');
  } catch (error) {
    const formsDiffer =
      basicAuthorization(client.clientId, client.clientSecret) !==
      basicAuthorization(client.clientId, client.clientSecret, 'none');
    if (!(isGotoRunnerError(error, 'ApiStatusError') && error.error === 'invalid_client' && formsDiffer)) throw error;
    return attempt('none');
  }
}

/** The refresh (RFC 6749 §6) of a client, as the grant store's protocol sends it (lib/grant-store/holder-protocol.ts). */
export function refreshSender(
  client: { authBaseUrl: string; clientId: string; clientSecret: string },
  options: SendOptions,
  onEvent?: (event: ExchangeEvent) => void,
): (refreshToken: string) => Promise<TokenResponse> {
  return (refreshToken) =>
    sendWithFallback(
      client,
      (basicEncoding) => refreshTokenRequest({ ...client, basicEncoding, refreshToken }),
      options,
      onEvent,
    );
}

/** The code exchange (RFC 6749 §4.1.3) of a client, with PKCE's verifier when the login sent a challenge. */
export function exchangeSender(
  client: { authBaseUrl: string; clientId: string; clientSecret: string; redirectUri: string },
  grant: { code: string; codeVerifier?: string | undefined },
  options: SendOptions,
  onEvent?: (event: ExchangeEvent) => void,
): () => Promise<TokenResponse> {
  return () =>
    sendWithFallback(
      client,
      (basicEncoding) =>
        exchangeCodeRequest({
          ...client,
          basicEncoding,
          code: grant.code,
          redirectUri: client.redirectUri,
          codeVerifier: grant.codeVerifier,
        }),
      options,
      onEvent,
    );
}
