import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, test } from './fixtures';

/*
 * The layers of docs/architecture.md, checked on the source: every import of every file,
 * read with TypeScript's own scanner (`ts.preProcessFile`), so a new import that crosses a
 * layer fails here instead of in a reader's head.
 */

const root = path.resolve(__dirname, '../..');

/** The product core's folders, lowest first: a folder may import only folders ranked below it. */
const coreRanks: Record<string, number> = {
  errors: 0,
  http: 1,
  goto: 1,
  'env-file': 2,
  config: 3,
  'grant-store': 3.5,
  custody: 4,
  chain: 5,
  status: 6,
  vercel: 6,
  'grant-transfer': 6,
  broker: 7,
};

type Import = { file: string; specifier: string; target: string | undefined };

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** Each import of a file, with what it resolves to inside the repository (undefined for a package). */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName: specifier }) => ({
    file,
    specifier,
    target: specifier.startsWith('.')
      ? path.relative(root, path.resolve(root, path.dirname(file), specifier))
      : undefined,
  }));
}

const topFolder = (target: string) => target.split(path.sep)[0] ?? '';
const coreFolder = (target: string) => (topFolder(target) === 'lib' ? target.split(path.sep)[1] : undefined);
const shown = (found: Import[]) => found.map(({ file, specifier }) => `${file} imports ${specifier}`);

test('the product core never imports Playwright, the fixtures, the tests or the emulator', () => {
  const found = sourceFiles('lib')
    .flatMap(importsOf)
    .filter(
      ({ specifier, target }) =>
        specifier.startsWith('@playwright/') ||
        (target !== undefined && ['fixtures', 'tests', 'emulator'].includes(topFolder(target))),
    );
  expect(shown(found)).toEqual([]);
});

test("each folder of the core imports only folders of a lower layer (docs/architecture.md's table)", () => {
  const found = sourceFiles('lib')
    .flatMap(importsOf)
    .filter(({ file, target }) => {
      const from = coreFolder(file);
      const to = target === undefined ? undefined : coreFolder(target);
      if (from === undefined || to === undefined || from === to || !(to in coreRanks)) return false;
      return (coreRanks[to] ?? Infinity) >= (coreRanks[from] ?? -Infinity);
    });
  expect(Object.keys(coreRanks).sort()).toEqual(
    readdirSync(path.join(root, 'lib'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort(),
  );
  expect(shown(found)).toEqual([]);
});

test('request definitions import only zod, lossless-json and each other', () => {
  const found = sourceFiles('requests')
    .flatMap(importsOf)
    .filter(({ specifier, target }) =>
      target === undefined
        ? !['zod', 'lossless-json'].includes(specifier) && !specifier.startsWith('node:')
        : topFolder(target) !== 'requests',
    );
  expect(shown(found)).toEqual([]);
});

test('the emulator stands alone: it imports nothing of the product, the fixtures or the tests', () => {
  const found = sourceFiles('emulator')
    .flatMap(importsOf)
    .filter(({ target }) => target !== undefined && topFolder(target) !== 'emulator');
  expect(shown(found)).toEqual([]);
});

test('the store servers stand alone: they import nothing of the product, the fixtures or the tests', () => {
  const found = sourceFiles('servers')
    .flatMap(importsOf)
    .filter(
      ({ specifier, target }) =>
        specifier.startsWith('@playwright/') || (target !== undefined && topFolder(target) !== 'servers'),
    );
  expect(sourceFiles('servers'), 'the folder is read').not.toEqual([]);
  expect(shown(found)).toEqual([]);
});

test('scripts, the benchmark runner and the config import the core, never the fixtures', () => {
  const files = [...sourceFiles('scripts'), 'bench/run-bench.ts', 'playwright.config.ts'];
  const found = files
    .flatMap(importsOf)
    .filter(({ target }) => target !== undefined && ['fixtures', 'tests'].includes(topFolder(target)));
  expect(shown(found)).toEqual([]);
});

test("the collection's checks and login never import the project's own tests", () => {
  const files = [...sourceFiles('tests/collection'), ...sourceFiles('tests/authorize'), ...sourceFiles('fixtures')];
  const found = files
    .flatMap(importsOf)
    .filter(({ target }) => target !== undefined && target.startsWith(path.join('tests', 'self-test')));
  expect(files, 'the folders are read').not.toEqual([]);
  expect(shown(found)).toEqual([]);
});

test("the project's own tests import the collection's entry only through theirs (tests/self-test/fixtures.ts)", () => {
  const found = sourceFiles('tests/self-test')
    // A `.check.ts` stands in for a user's check in a run of its own, so it takes the collection's entry.
    .filter((file) => file !== path.join('tests', 'self-test', 'fixtures.ts') && !file.endsWith('.check.ts'))
    .flatMap(importsOf)
    .filter(({ target }) => target === 'fixtures' || target === path.join('fixtures', 'index'));
  expect(shown(found)).toEqual([]);
});

test('the config reaches the emulator only through its public entry (emulator/index.ts), which loads no server', () => {
  const found = importsOf('playwright.config.ts').filter(
    ({ target }) => target !== undefined && topFolder(target) === 'emulator' && target !== 'emulator',
  );
  expect(shown(found)).toEqual([]);
  expect(importsOf(path.join('emulator', 'index.ts')).map(({ specifier }) => specifier)).toEqual(['./jwt']);
});
