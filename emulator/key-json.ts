import type { KeyFormat } from './control-types';

/** Stands in for a key while `JSON.stringify` writes the rest; U+0000 is in no emulated text. */
const MARK = '\u0000key:';
const MARKED = /"\\u0000key:(\d+)"/g;

/**
 * JSON text of a body whose key fields (named in `keyFields`, holding digit strings) are
 * written as `format` says: as strings, or as bare JSON numbers, digit for digit, as GoTo's
 * OpenAPI types `WebinarByKey.webinarKey` (`int64`). A JavaScript number cannot hold a
 * 19-digit key, so those are written into the text by hand, never through a number.
 */
export function keyedJson(value: unknown, keyFields: ReadonlySet<string>, format: KeyFormat): string {
  if (format === 'string') return JSON.stringify(value);
  const marked = JSON.stringify(value, (name, field: unknown) =>
    keyFields.has(name) && typeof field === 'string' && /^\d+$/.test(field) ? `${MARK}${field}` : field,
  );
  return marked.replace(MARKED, '$1');
}
