/**
 * Reading a .env text the way dotenv does: where each definition stands (so an edit lands on
 * the bytes dotenv reads as that key's value) and what dotenv reads from the whole text (so
 * every edit can be proven to have changed nothing else).
 */
import { parse as parseDotenv } from 'dotenv';

/**
 * One definition, as dotenv 18.0.10's default parser finds it (`LINE` and `parse` in
 * node_modules/dotenv/dist/index.cjs, lib/main.js upstream). Same alternatives in the same
 * order, so the JavaScript engine backtracks the same way; only capture groups were added
 * (they never change what matches): 1 key, 2 separator, 3 raw value.
 * - `^\s*` may swallow blank lines and a BOM (`\s` includes U+FEFF);
 * - the separator is `=` with optional blanks, or YAML-ish `:` plus one blank;
 * - a quoted value may span lines and ends at the first unescaped matching quote that is
 *   followed only by blanks and an optional `# comment` up to the end of a line;
 * - otherwise the value is everything up to `#` or the end of the line, trimmed later;
 * - with the `m` flag, U+2028/U+2029 also end a line for `^`, `$` and `.`.
 * Keep it in step with dotenv when upgrading; `applyEnvUpdates` (env-text-editor.ts) re-parses
 * every result with the real `dotenv.parse`, so drift shows up as an error, never as a silent
 * corruption.
 */
const DEFINITION =
  /^\s*(?:export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/dgm;

/** dotenv's key syntax (the `[\w.-]+` of its line pattern). */
export const KEY = /^[\w.-]+$/;

/** Where the regular expression's `m` flag ends a line once CR and CRLF became LF. */
export const LINE_ENDERS = new Set(['\n', '\u2028', '\u2029']);

export interface Definition {
  key: string;
  /** Start of the line that holds `export` or the key. */
  start: number;
  /** Just past the line break of the line where the value (or the separator) ends. */
  end: number;
  separatorEnd: number;
  /** The raw value with dotenv's surrounding blanks; absent for `KEY=`. */
  value: { start: number; end: number } | undefined;
}

/** A text with CR and CRLF turned into LF, and the way back to the original's offsets. */
export interface NormalisedText {
  text: string;
  toOriginal: (offset: number) => number;
}

/**
 * dotenv replaces `\r\n?` with `\n` before matching (dotenv `parse`), so the definitions are
 * found in that text; `toOriginal` maps each of its offsets back to the file's own text, so
 * edits land on the right bytes whatever mix of line endings the file has.
 */
export function normaliseLineBreaks(text: string): NormalisedText {
  if (!text.includes('\r')) return { text, toOriginal: (offset) => offset };
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < text.length;) {
    offsets.push(i);
    if (text[i] === '\r') {
      chars.push('\n');
      i += text[i + 1] === '\n' ? 2 : 1;
    } else {
      chars.push(text[i]!);
      i += 1;
    }
  }
  offsets.push(text.length);
  return { text: chars.join(''), toOriginal: (offset) => offsets[offset]! };
}

export function findDefinitions(normalised: string): Definition[] {
  const definitions: Definition[] = [];
  for (const match of normalised.matchAll(DEFINITION)) {
    const indices = match.indices!;
    const separatorEnd = indices[2]![1];
    const valueIndices = indices[3];
    const value = valueIndices ? { start: valueIndices[0], end: valueIndices[1] } : undefined;
    definitions.push({
      key: normalised.slice(indices[1]![0], indices[1]![1]),
      start: lineStartOf(normalised, match),
      end: lineEndAfter(normalised, value ? value.end : separatorEnd),
      separatorEnd,
      value,
    });
  }
  return definitions;
}

/**
 * The leading `\s*` is blank up to the first non-blank character (`export` or the key), so
 * that character's line starts after the last line break in between.
 */
function lineStartOf(normalised: string, match: RegExpExecArray): number {
  const firstNonBlank = match.index + (match[0].length - match[0].trimStart().length);
  let start = firstNonBlank;
  while (start > match.index && !LINE_ENDERS.has(normalised[start - 1]!)) start -= 1;
  if (start === 0 && normalised.startsWith('\uFEFF')) start = 1; // the BOM belongs to the file, not the line
  return start;
}

/**
 * After the value only blanks and a comment can follow on its line (the pattern's tail), but
 * the tail's `\s*` may run on over blank and comment lines: those stay.
 */
function lineEndAfter(normalised: string, valueEnd: number): number {
  let end = valueEnd;
  while (end < normalised.length && !LINE_ENDERS.has(normalised[end]!)) end += 1;
  if (end < normalised.length) end += 1;
  return end;
}

/** What dotenv reads, as a Map so keys such as `constructor` cannot collide with anything. */
export function readValues(text: string): Map<string, string> {
  return new Map(Object.entries(parseDotenv(text)));
}

export function sameValues(text: string, expected: Map<string, string>): boolean {
  const actual = parseDotenv(text);
  const keys = Object.keys(actual);
  return keys.length === expected.size && keys.every((key) => expected.get(key) === actual[key]);
}
