import * as z from 'zod';

/**
 * A value from a list GoTo documents, or any other string: a value GoTo adds later (or spells
 * otherwise: its create call takes `CLASSIC` where the list says `classic`) is kept as it
 * came, not refused. Whoever reads it can tell a documented value with `values.includes`.
 */
export function openEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.union([z.enum(values), z.string()]);
}
