import { readFile } from 'node:fs/promises';
import type { TestInfo } from '@playwright/test';
import type { Env } from '../../../lib/config/env-target';
import { runCollection, type CollectionRun } from './run-collection';
import type { ReportedTest } from './step-tree-reporter';

/**
 * Runs the collection (helpers/run-collection.ts) with `args` and the step-tree reporter, and
 * reads back what it reported of each test: its outcome, its annotations (a skip's reason)
 * and its steps. `tests` is empty when the run reported nothing.
 */
export async function runReported(
  env: Env,
  testInfo: TestInfo,
  args: string[] = [],
): Promise<{ run: CollectionRun; tests: ReportedTest[] }> {
  const treeFile = testInfo.outputPath('step-tree.json');
  const run = await runCollection({ ...env, STEP_TREE_FILE: treeFile }, [
    '--reporter=./tests/self-test/helpers/step-tree-reporter.ts',
    `--output=${testInfo.outputPath('run')}`,
    ...args,
  ]);
  const tests = await readFile(treeFile, 'utf8').then(
    (text) => JSON.parse(text) as ReportedTest[],
    () => [],
  );
  return { run, tests };
}

/** The reported tests of one collection file, by the end of its name (`30-webinar-checks.spec.ts`). */
export function testsOf(tests: ReportedTest[], file: string): ReportedTest[] {
  return tests.filter((reported) => reported.titlePath[0]?.endsWith(file));
}
