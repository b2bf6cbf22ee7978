import type { Env } from '../config/env-target';
import { formatTime, type Tone } from './status-layout';
import type { TokenStatus } from './token-status';
import { storeName } from './grant-in-store';

/**
 * Colour only for a person at a terminal: NO_COLOR (https://no-color.org) turns it off, and
 * FORCE_COLOR decides over both, read as Node reads it (`0`/`false` off, ``/`1`/`2`/`3`/`true` on).
 */
export function useColor(env: Env, isTTY: boolean): boolean {
  if (env.FORCE_COLOR !== undefined) return ['', '1', '2', '3', 'true'].includes(env.FORCE_COLOR.toLowerCase());
  return isTTY && !env.NO_COLOR;
}

/** SGR parameters (ECMA-48 §8.3.117): green, yellow, red, bold, faint. */
const ansi = { ok: '32', warn: '33', bad: '31', bold: '1', dim: '2' } as const;

/**
 * The report as text: aligned plain columns, which read the same in a CI log, with ANSI
 * colours around the text only, padded outside them, so colour never shifts a column.
 */
export function renderStatus(status: TokenStatus, options: { color: boolean }): string {
  const paint = (code: string, text: string) =>
    options.color && text !== '' ? `\u001b[${code}m${text}\u001b[0m` : text;
  const toneCode = (tone: Tone) => (tone === 'plain' ? ansi.dim : ansi[tone]);
  const labelWidth = Math.max(...status.sections.flatMap((section) => section.rows.map((row) => row.label.length)));
  const lines = [
    paint(ansi.bold, `GoTo token status: ${status.store ? storeName(status.store) : status.envFile}`),
    paint(ansi.dim, `at ${formatTime(status.now)}`),
  ];
  for (const section of status.sections) {
    const widths: number[] = [];
    for (const row of section.rows) row.cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    lines.push('', paint(ansi.bold, section.title));
    for (const row of section.rows) {
      const cells = row.cells.map((cell, i) => {
        const padding = i === row.cells.length - 1 ? '' : ' '.repeat((widths[i] ?? 0) - cell.length);
        if (i > 0) return paint(ansi.dim, cell) + padding;
        return (row.tone === 'plain' && cell !== 'missing' ? cell : paint(toneCode(row.tone), cell)) + padding;
      });
      lines.push(`  ${row.label.padEnd(labelWidth)}  ${cells.join('  ')}`.trimEnd());
    }
  }
  lines.push('');
  for (const { tone, text } of status.verdict) {
    const [first = '', ...rest] = text.split('\n');
    lines.push(tone === 'plain' ? paint(ansi.dim, first) : paint(`${ansi.bold};${ansi[tone]}`, first), ...rest);
  }
  return `${lines.join('\n')}\n`;
}
