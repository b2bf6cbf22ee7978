import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

/**
 * Ends the run's output with one plain line, `N passed, N failed, N skipped`, that CI
 * systems (and people skimming a log) can read without knowing Playwright's reporters.
 * A flaky test (failed, then passed on retry) counts as passed. Above it, one line per
 * warning a check noted (`Warning: …`, fixtures/warning.ts).
 */
export default class SummaryReporter implements Reporter {
  private root: Suite | undefined;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onEnd(result: FullResult): void {
    const tests = this.root?.allTests() ?? [];
    // `--list` runs nothing and passes: there is nothing to count.
    if (result.status === 'passed' && tests.every((test) => test.results.length === 0)) return;
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const test of tests) {
      const outcome = test.outcome();
      if (outcome === 'skipped') counts.skipped++;
      else if (outcome === 'unexpected') counts.failed++;
      else counts.passed++;
    }
    // A run that failed outside any test (global setup, a crashed worker) must not read as green.
    if (result.status !== 'passed' && counts.failed === 0) counts.failed = 1;
    // What a check noted with `warn` (fixtures/warning.ts): it passed, but a person should look.
    for (const test of tests) {
      for (const annotation of test.results.flatMap((run) => run.annotations)) {
        if (annotation.type === 'warning') process.stdout.write(`\nWarning: ${annotation.description ?? ''}`);
      }
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
