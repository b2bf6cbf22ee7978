import { generateKeyPair, sign, type KeyObject } from 'node:crypto';

/**
 * Compact JWS (RFC 7515 §7.1) signed RS512, the `alg` seen in the header of a real GoTo
 * authorization code (docs/goto-facts.md §1, "Code format"). GoTo's access and refresh tokens
 * begin `eyJraWQiOiJvYXV0aHYyLmxt...` = `{"kid":"oauthv2.lm...`, hence the kid below.
 *
 * The emulator only ever *issues* these: on the way in it looks every code and token up
 * in its own records and never trusts the claims, as a real server must not either.
 */
export const SIGNING_KEY_ID = 'oauthv2.lmi.com.0219';

export type JsonWebKey = { kty: string; kid: string; use: 'sig'; alg: 'RS512'; n: string; e: string };

export type JwtSigner = {
  sign(payload: Record<string, unknown>): string;
  /** The public key as a JWK Set (RFC 7517 §5), served at /oauth/jwks.json. */
  jwks(): { keys: JsonWebKey[] };
};

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };

let prepared: Promise<KeyPair> | undefined;

/** A new RSA key pair, made on libuv's thread pool: a tenth of a second or so, off the main thread. */
function newKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) =>
      error ? reject(error) : resolve({ publicKey, privateKey }),
    ),
  );
}

/**
 * Starts making the key of the next emulator of this process ahead of need, so that making
 * it (RSA key generation, the longest part of an emulator's start) overlaps with whatever the
 * process does meanwhile: playwright.config.ts calls it in the runner, before Playwright loads
 * the test files and runs global setup. Each emulator still gets a key of its own.
 */
export function prepareSigningKey(): void {
  prepared ??= newKeyPair();
  // Taken (and its failure seen) by the next createJwtSigner.
  prepared.catch(() => undefined);
}

export async function createJwtSigner(): Promise<JwtSigner> {
  // A fresh key per emulator: nothing outside it can verify or forge its tokens.
  const keys = prepared ?? newKeyPair();
  prepared = undefined;
  const { privateKey, publicKey } = await keys;
  const header = base64url(JSON.stringify({ kid: SIGNING_KEY_ID, alg: 'RS512' }));
  return {
    sign(payload) {
      const signingInput = `${header}.${base64url(JSON.stringify(payload))}`;
      return `${signingInput}.${signRs512(signingInput, privateKey)}`;
    },
    jwks() {
      const jwk = publicKey.export({ format: 'jwk' });
      return {
        keys: [
          { kty: String(jwk.kty), kid: SIGNING_KEY_ID, use: 'sig', alg: 'RS512', n: String(jwk.n), e: String(jwk.e) },
        ],
      };
    },
  };
}

function signRs512(input: string, key: KeyObject): string {
  // RSASSA-PKCS1-v1_5 with SHA-512 is what RFC 7518 §3.3 calls RS512.
  return sign('sha512', Buffer.from(input), key).toString('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
