import { writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';

/** A step as a report shows it: its title, its category, what is attached to it and its own steps. */
export type ReportedStep = { title: string; category: string; attachments: string[]; steps: ReportedStep[] };
export type ReportedTest = {
  titlePath: string[];
  status: TestResult['status'];
  annotations: { type: string; description?: string }[];
  steps: ReportedStep[];
};

/**
 * A reporter for tests of the report itself: writes each test's outcome, its annotations (a
 * skip's reason) and its step tree, with the names and bodies of the attachments of each step,
 * to the JSON file STEP_TREE_FILE names.
 */
export default class StepTreeReporter implements Reporter {
  private readonly tests: ReportedTest[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    this.tests.push({
      titlePath: test.titlePath().slice(2),
      status: result.status,
      annotations: result.annotations.map(({ type, description }) => ({ type, description })),
      steps: result.steps.map(reported),
    });
  }

  onEnd(): void {
    writeFileSync(process.env.STEP_TREE_FILE ?? 'step-tree.json', JSON.stringify(this.tests, null, 2));
  }
}

function reported(step: TestStep): ReportedStep {
  return {
    title: step.title,
    category: step.category,
    attachments: step.attachments.map((attachment) => `${attachment.name}\n${attachment.body?.toString('utf8') ?? ''}`),
    steps: step.steps.map(reported),
  };
}
