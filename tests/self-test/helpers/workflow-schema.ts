import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as z from 'zod';
import { UnsupportedWorkflowSyntax } from './workflow-expressions';

/*
 * The workflow syntax the harness (workflow-run.ts) runs
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax), as
 * strict zod schemas: a key it does not know (`continue-on-error`, `shell`, `services`,
 * `outputs`, a matrix's `include`, …) fails the parse by name instead of being ignored.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const envBlock = z.record(z.string(), scalar);

const step = z
  .strictObject({
    name: z.string().optional(),
    if: z.union([z.string(), z.boolean()]).optional(),
    uses: z.string().optional(),
    with: z.record(z.string(), scalar).optional(),
    run: z.string().optional(),
    env: envBlock.optional(),
  })
  .refine((value) => (value.run === undefined) !== (value.uses === undefined), {
    message: 'a step has either `run:` or `uses:`',
  })
  .refine((value) => value.run === undefined || value.with === undefined, {
    message: '`with:` belongs to `uses:` steps',
  });

const job = z.strictObject({
  name: z.string().optional(),
  'runs-on': z.string().regex(/^ubuntu-/, 'the harness stands in for an ubuntu runner only'),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: z.union([z.string(), z.boolean()]).optional(),
  'timeout-minutes': z.number().positive().optional(),
  env: envBlock.optional(),
  permissions: z.unknown().optional(),
  strategy: z
    .strictObject({
      'fail-fast': z.boolean().optional(),
      'max-parallel': z.number().int().positive().optional(),
      // One or more lists, crossed; `include`/`exclude` (lists of objects) are not supported.
      matrix: z.record(z.string(), z.array(scalar).min(1)),
    })
    .optional(),
  steps: z.array(step).min(1),
});

const dispatchInput = z.strictObject({
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: scalar.optional(),
  type: z.enum(['string', 'number', 'boolean', 'choice']).optional(),
  options: z.array(z.string()).optional(),
});

const workflow = z.strictObject({
  name: z.string().optional(),
  on: z.strictObject({
    schedule: z.array(z.strictObject({ cron: z.string() })).optional(),
    workflow_dispatch: z
      .strictObject({ inputs: z.record(z.string(), dispatchInput).optional() })
      .nullable()
      .optional(),
  }),
  // Both only matter between runs and for GITHUB_TOKEN's rights; the harness runs one run and gives no GITHUB_TOKEN.
  permissions: z.unknown().optional(),
  concurrency: z.unknown().optional(),
  env: envBlock.optional(),
  jobs: z.record(z.string(), job),
});

export type WorkflowStep = z.infer<typeof step>;
export type WorkflowJob = z.infer<typeof job>;
export type Workflow = z.infer<typeof workflow>;

/** The workflow in `file`, or UnsupportedWorkflowSyntax naming every part the harness cannot run. */
export function readWorkflow(file: string): Workflow {
  const parsed = workflow.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new UnsupportedWorkflowSyntax(`${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
