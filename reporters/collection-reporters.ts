import path from 'node:path';
import type { ReporterDescription } from '@playwright/test';

/**
 * The reporters of a run of the collection (playwright.config.ts): Playwright's list on the
 * console, its HTML report (never opened for you), and our summary line last
 * (reporters/summary-reporter.ts). The benchmark's same-shape empty run uses them too
 * (bench/run-bench.ts), so the two runs differ only in what the tests do.
 */
export const collectionReporters: ReporterDescription[] = [
  ['list'],
  ['html', { open: 'never' }],
  [path.join(__dirname, 'summary-reporter.ts')],
];
