import { jsonReply, type Reply } from './http-io';
import type { EmulatorState } from './state';

/**
 * RFC 8414 authorization server metadata: GoTo's own document (docs/goto-facts.md §0, captured
 * from identity.goto.com) with the emulator's URLs in place of GoTo's.
 */
export function serverMetadata(state: EmulatorState): Reply {
  const base = state.issuer;
  return jsonReply(200, {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    jwks_uri: `${base}/oauth/jwks.json`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint: `${base}/oauth/introspect`,
    revocation_endpoint: `${base}/oauth/revoke`,
    code_challenge_methods_supported: ['S256'],
    client_id_metadata_document_supported: true,
  });
}

/** RFC 7517 §5: the key that signs the emulator's codes and tokens. */
export function jwks(state: EmulatorState): Reply {
  return jsonReply(200, state.jwks());
}
