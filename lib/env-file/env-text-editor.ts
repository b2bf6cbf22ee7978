/**
 * Editing the text of a .env file without disturbing anything dotenv reads: an update changes
 * only the value of the keys it names, and every result is proven with dotenv itself to read
 * every other key exactly as before. Pure: no file is touched here (env-file-store.ts reads
 * and writes the file). Values are secrets: no message here ever contains one, only the file
 * path and the key.
 */
import { EnvFileError } from '../errors';
import {
  findDefinitions,
  KEY,
  LINE_ENDERS,
  normaliseLineBreaks,
  readValues,
  sameValues,
  type Definition,
  type NormalisedText,
} from './dotenv-definitions';
import { isFragile, spellings, unrepresentable, type Quote } from './env-value-spelling';

/** `null` removes every line that defines the key. */
export type EnvUpdates = Record<string, string | null>;

export function assertKey(key: string, path: string | undefined): void {
  // dotenv stores keys on a plain object, where `__proto__` sets the prototype instead.
  if (!KEY.test(key) || key === '__proto__') throw new EnvFileError('ENV_FILE_INVALID_KEY', { path, key });
}

/** The file's own line break (its first one), so added lines look like the others. */
function lineBreakOf(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

function unsafeEdit(key: string, path: string | undefined): EnvFileError {
  return new EnvFileError('ENV_FILE_UNSAFE_EDIT', { path, key });
}

/** Where a key's new value goes in the file's own text, and what surrounds its spelling. */
interface Placement {
  from: number;
  to: number;
  /** The quote the value had, tried first so the file keeps its style; none for a new key. */
  preferredQuote: Quote | undefined;
  wrap: (spelled: string) => string;
}

/** dotenv keeps the last definition of a key, so that is the one to change. */
function placeValue(text: string, key: string, lineBreak: string): Placement {
  const normalised = normaliseLineBreaks(text);
  const definition = findDefinitions(normalised.text)
    .filter((d) => d.key === key)
    .at(-1);
  if (definition?.value) return replacingValue(normalised, definition.value);
  if (definition) return fillingEmptyValue(normalised, definition);
  return appendingLine(text, key, lineBreak);
}

function replacingValue(normalised: NormalisedText, value: NonNullable<Definition['value']>): Placement {
  const raw = normalised.text.slice(value.start, value.end);
  const leading = /^\s*/.exec(raw)![0];
  const trailing = /\s*$/.exec(raw)![0];
  const core = raw.slice(leading.length, raw.length - trailing.length);
  // Blanks after `=` stay; a line break there (a quoted value on the next line) does not,
  // since an unquoted value cannot start on the next line.
  const keepLeading = ![...leading].some((c) => LINE_ENDERS.has(c));
  const first = core[0];
  return {
    from: normalised.toOriginal(value.start + (keepLeading ? leading.length : 0)),
    to: normalised.toOriginal(value.end - trailing.length),
    preferredQuote:
      core.length >= 2 && (first === '"' || first === "'" || first === '`') && core.endsWith(first) ? first : '',
    wrap: (spelled) => spelled,
  };
}

/** `KEY=` with nothing after it: the value goes right after the separator. */
function fillingEmptyValue(normalised: NormalisedText, definition: Definition): Placement {
  const at = normalised.toOriginal(definition.separatorEnd);
  return { from: at, to: at, preferredQuote: '', wrap: (spelled) => spelled };
}

/** A new key goes on a line of its own at the end, in the file's line-break style. */
function appendingLine(text: string, key: string, lineBreak: string): Placement {
  const hasContent = text.replace(/^\uFEFF/, '').length > 0;
  const needsBreak = hasContent && !/[\r\n]$/.test(text);
  return {
    from: text.length,
    to: text.length,
    preferredQuote: undefined,
    wrap: (spelled) => `${needsBreak ? lineBreak : ''}${key}=${spelled}${lineBreak}`,
  };
}

function setValue(
  text: string,
  key: string,
  value: string,
  expected: Map<string, string>,
  lineBreak: string,
  path: string | undefined,
): string {
  const { from, to, preferredQuote, wrap } = placeValue(text, key, lineBreak);
  const candidates = spellings(value, preferredQuote);
  if (candidates.length === 0) throw unrepresentable(value, key, path);
  const after = new Map(expected).set(key, value);
  for (const spelled of candidates) {
    // Raw line breaks only occur inside single quotes or backticks; dotenv reads any style
    // as LF there, so they follow the file's style.
    const next = text.slice(0, from) + wrap(spelled.replace(/\n/g, lineBreak)) + text.slice(to);
    if (sameValues(next, after)) {
      expected.set(key, value);
      return next;
    }
  }
  throw unsafeEdit(key, path);
}

function removeKey(text: string, key: string, expected: Map<string, string>, path: string | undefined): string {
  const after = new Map(expected);
  after.delete(key);
  let next = text;
  // Removing a line can, in odd files, let dotenv see another definition of the key that an
  // open quote had hidden; a few passes settle it.
  for (let pass = 0; pass < 4; pass += 1) {
    const normalised = normaliseLineBreaks(next);
    const doomed = findDefinitions(normalised.text).filter((d) => d.key === key);
    if (doomed.length === 0) break;
    for (const definition of doomed.reverse()) {
      next = next.slice(0, normalised.toOriginal(definition.start)) + next.slice(normalised.toOriginal(definition.end));
    }
  }
  if (!sameValues(next, after)) throw unsafeEdit(key, path);
  expected.delete(key);
  return next;
}

/**
 * Pure: apply updates to the text of a .env file. A key's value is replaced where dotenv
 * reads it (its last definition; earlier duplicates are left alone), keeping `export `, the
 * spacing around `=`, a trailing comment and, when it still round-trips, the quote style.
 * New keys are appended in the file's line-break style. Every result is re-parsed with
 * `dotenv.parse`: it must read the updated values and every other key exactly as before.
 * `path` only names the file in errors.
 */
export function applyEnvUpdates(text: string, updates: EnvUpdates, path?: string): string {
  const entries = Object.entries(updates);
  for (const [key] of entries) assertKey(key, path);
  const expected = readValues(text);
  // Taken before any removal, which may take the file's only line break with it.
  const lineBreak = lineBreakOf(text);
  // A value with only a fragile spelling goes last, so no line of this batch follows it.
  entries.sort(([, a], [, b]) => Number(isFragile(a)) - Number(isFragile(b)));
  let next = text;
  for (const [key, value] of entries) {
    next =
      value === null ? removeKey(next, key, expected, path) : setValue(next, key, value, expected, lineBreak, path);
  }
  return next;
}
