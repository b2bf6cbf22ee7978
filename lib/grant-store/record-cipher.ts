/**
 * The tokens of a grant record, encrypted when GOTO_GRANT_STORE_KEY is set: AES-256-GCM
 * (NIST SP 800-38D) with a random 96-bit IV per write, the IV length GCM is defined for
 * (§8.2.2: random IVs of 96 bits, at most 2^32 encryptions per key). The grant's name and
 * the field's name are the additional authenticated data, so a ciphertext moved to another
 * grant or field fails to open like a changed one.
 *
 * A sealed value reads `gcm1.<key id>.<iv>.<ciphertext>.<tag>` (base64url): the key id (a
 * hash of the key, nothing to attack it with) tells "written with another key" from "changed
 * since", so the error can say which.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A key from GOTO_GRANT_STORE_KEY, with its id. */
export type StoreKey = { readonly id: string; readonly bytes: Buffer };

/** Why a value did not open: the error says which, never the value. */
export type OpenFailure = { reason: 'no-key' | 'wrong-key' | 'tampered'; recordKeyId: string | undefined };

const PREFIX = 'gcm1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The id of a key: 8 hex digits of a SHA-256 of it. */
export function keyIdOf(bytes: Buffer): string {
  return createHash('sha256').update('goto-grant-store key id\0').update(bytes).digest('hex').slice(0, 8);
}

/**
 * GOTO_GRANT_STORE_KEY as a key: 32 bytes in standard base64 (`openssl rand -base64 32`).
 * Unset or empty: none. Otherwise the problem as a reason (its length, never its value).
 */
export function parseStoreKey(value: string | undefined): StoreKey | { problem: string } | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0)
    return { problem: 'it is not base64 (A-Z, a-z, 0-9, +, / and = padding)' };
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) return { problem: `it decodes to ${bytes.length} bytes, AES-256 needs 32` };
  return { id: keyIdOf(bytes), bytes };
}

/** Whether a stored value is a sealed one (else it was stored in clear). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}.`);
}

export function seal(plain: string, key: StoreKey, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [
    PREFIX,
    key.id,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/** The plain value, or why it did not open. */
export function unseal(sealed: string, key: StoreKey | undefined, context: string): string | OpenFailure {
  const parts = sealed.split('.');
  const recordKeyId = parts[1];
  if (parts.length !== 5 || parts[0] !== PREFIX || !/^[0-9a-f]{8}$/.test(recordKeyId ?? ''))
    return { reason: 'tampered', recordKeyId: undefined };
  if (!key) return { reason: 'no-key', recordKeyId };
  if (recordKeyId !== key.id) return { reason: 'wrong-key', recordKeyId };
  const [iv, body, tag] = parts.slice(2).map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    return { reason: 'tampered', recordKeyId };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return { reason: 'tampered', recordKeyId };
  }
}
