/**
 * How a value is spelled in a .env file so that `dotenv.parse` reads it back unchanged:
 * unquoted or in one of dotenv's three quotes, the round trip through dotenv itself deciding.
 * Values are secrets: an error here names the kinds of characters in the way, never the value.
 */
import { parse as parseDotenv } from 'dotenv';
import { EnvFileError } from '../errors';

export type Quote = '"' | "'" | '`' | '';
const QUOTES: readonly Quote[] = ['', '"', "'", '`'];

/**
 * dotenv has no escape for a quote or a backslash. Double quotes only expand `\n` and `\r`
 * (dotenv `parse`), which is the one way to store a carriage return: raw CRs become LF
 * when dotenv normalises line breaks. Single quotes and backticks take text as it is,
 * line breaks included. A quoted-looking text that the quoted alternatives reject (`'it's'`)
 * falls through to the unquoted one, which dotenv trims and then strips of the outer quotes,
 * so these four spellings cover those cases too; the round trip decides which ones work.
 */
function spell(value: string, quote: Quote): string {
  if (quote === '"') return `"${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  return `${quote}${value}${quote}`;
}

/**
 * A spelling is safe when it reads back as `value` whatever follows it. The danger is a
 * quote left open (`"abc`, or `"abc\"` whose closing quote counts as escaped): dotenv's
 * quoted alternatives run on over line breaks, so a later line ending in that quote would
 * become part of the value. Lines holding each quote alone are the easiest such closers.
 */
const SAFE_CONTEXTS = ['', '\n"\n\'\n`\n'];
/** Correct only until a later line closes the quote; the whole-file check guards each write. */
const FRAGILE_CONTEXTS = ['', '\n# the next line\n'];

function readsBack(spelled: string, value: string, contexts: readonly string[]): boolean {
  for (const after of contexts) {
    const parsed = parseDotenv(`K=${spelled}${after}`);
    if (parsed.K !== value || Object.keys(parsed).length !== 1) return false;
  }
  return true;
}

/** The file is written as UTF-8: a lone surrogate would come back as U+FFFD. */
function survivesUtf8(value: string): boolean {
  return Buffer.from(value, 'utf8').toString('utf8') === value;
}

/**
 * The spellings that read back as `value`: safe ones first, in quote preference, then the
 * fragile ones (only a value that ends in a backslash and needs quotes has nothing better).
 */
export function spellings(value: string, preferredQuote: Quote | undefined): string[] {
  if (!survivesUtf8(value)) return [];
  const order = preferredQuote === undefined ? QUOTES : [preferredQuote, ...QUOTES.filter((q) => q !== preferredQuote)];
  const spelled = [...new Set(order.map((quote) => spell(value, quote)))];
  const safe = spelled.filter((s) => readsBack(s, value, SAFE_CONTEXTS));
  const fragile = spelled.filter((s) => !safe.includes(s) && readsBack(s, value, FRAGILE_CONTEXTS));
  return [...safe, ...fragile];
}

/** No spelling of `value` is safe whatever follows it (a `null` removes a key: nothing to spell). */
export function isFragile(value: string | null): boolean {
  return value !== null && spellings(value, undefined).every((s) => !readsBack(s, value, SAFE_CONTEXTS));
}

/** Names the kinds of characters that got in the way, so the message helps without leaking. */
function obstaclesIn(value: string): string[] {
  const obstacles: [boolean, string][] = [
    [!survivesUtf8(value), 'an unpaired UTF-16 surrogate'],
    [value.includes('\r'), 'a carriage return'],
    [value.includes('\n'), 'a line break'],
    [/\\[nr]/.test(value), 'a literal backslash-n or backslash-r'],
    [value.includes('#'), '"#"'],
    [value.includes("'"), 'a single quote'],
    [value.includes('"'), 'a double quote'],
    [value.includes('`'), 'a backtick'],
  ];
  return obstacles.filter(([isPresent]) => isPresent).map(([, name]) => name);
}

export function unrepresentable(value: string, key: string | undefined, path: string | undefined): EnvFileError {
  return new EnvFileError('ENV_FILE_UNREPRESENTABLE_VALUE', { path, key, obstacles: obstaclesIn(value) });
}

/**
 * Serialise a value so `dotenv.parse` reads it back identically: unquoted when that is safe,
 * else the first quote style that round-trips, trying `preferredQuote` first.
 */
export function serializeEnvValue(value: string, preferredQuote?: Quote): string {
  const [best] = spellings(value, preferredQuote);
  if (best === undefined) throw unrepresentable(value, undefined, undefined);
  return best;
}
