import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { variables } from '../../lib/config/variables';

/*
 * The catalogue of variables is lib/config/variables.ts; the user's documentation shows it
 * as the table under a "Variables" heading (README.md, or a page of docs/ if it moves there).
 */

const root = path.resolve(__dirname, '../..');

/** The pages that may hold the table: the README and every page of docs/. */
function pages(): { file: string; text: string }[] {
  const docs = readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => path.join('docs', name))].map((file) => ({
    file,
    text: readFileSync(path.join(root, file), 'utf8'),
  }));
}

/** The variable names in the first column of the table right under a `## Variables` heading. */
function tableNames(text: string): string[] {
  const section = text.split(/^## Variables\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((found) => found[1] ?? ''));
}

test('the documentation has exactly one Variables table', () => {
  const holding = pages().filter(({ text }) => tableNames(text).length > 0);
  expect(holding.map(({ file }) => file)).toHaveLength(1);
});

test('the Variables table lists exactly the variables of lib/config/variables.ts', () => {
  const names = pages().flatMap(({ text }) => tableNames(text));
  expect(names.length, 'the table is found and not empty').toBeGreaterThan(20);
  expect([...names].sort()).toEqual(Object.keys(variables).sort());
});
