/** How id and secret are written inside the Basic value before base64. */
export type BasicEncoding = 'form-urlencoded' | 'none';

/**
 * `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 Appendix B
 * requires for client credentials (a space becomes `+`; `:`, `%` and `+` are escaped).
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * The `Authorization: Basic` value for the token endpoint. RFC 6749 §2.3.1: the client
 * id and secret are each form-urlencoded first, then joined with `:` and base64-encoded
 * (RFC 7617). GoTo's docs show plain base64 of `id:secret`; the two differ only when
 * the id or secret holds a character that form encoding escapes (the docs' sample secret
 * holds `+` and `=`; real secrets seen in public are alphanumeric, where the two agree), and
 * a server that decodes per the RFC reads a raw `+` as a space. We follow the RFC; `none` gives the docs' form, for servers that do not decode.
 */
export function basicAuthorization(
  clientId: string,
  clientSecret: string,
  encoding: BasicEncoding = 'form-urlencoded',
): string {
  const credentials =
    encoding === 'form-urlencoded'
      ? `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`
      : `${clientId}:${clientSecret}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}
