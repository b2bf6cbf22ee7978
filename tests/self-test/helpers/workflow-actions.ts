import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { collectArtifacts, findSecrets } from './artifacts';
import { copyCheckout } from './checkout-copy';
import { UnsupportedWorkflowSyntax } from './workflow-expressions';

/*
 * The `uses:` steps of our workflows, stood in by the workflow harness (workflow-run.ts):
 * - actions/checkout: a copy of this checkout (the code under test) in the job's workspace;
 * - actions/setup-node: this Node, first on PATH;
 * - actions/upload-artifact: the path must exist and hold no secret (the secrets of the run
 *   and any value the test names, searched in files, zips and the HTML report's embedded
 *   data); it is kept for download-artifact;
 * - actions/download-artifact: the kept artifacts, by name or pattern, into the workspace.
 * Each stands in for the major version our workflows name; another version, another action
 * or an input a stand-in does not know stops the run (UnsupportedWorkflowSyntax).
 */

/** What makes the step fail on GitHub too (an artifact that is not there); any other error stops the run. */
export class StepFailed extends Error {
  override name = 'StepFailed';
}

export type ActionContext = {
  /** The job's workspace (GITHUB_WORKSPACE). */
  workspace: string;
  /** Where the run keeps artifacts, one folder each. */
  artifacts: string;
  /** Values no artifact may hold, by label. */
  secrets: () => Promise<Record<string, string>>;
  /** Called by setup-node: the folder of the Node the job's steps run. */
  useNode: (binFolder: string) => void;
};

type Inputs = Record<string, string>;
type Action = { version: string; inputs: string[]; run: (inputs: Inputs, context: ActionContext) => Promise<string> };

const actions: Record<string, Action> = {
  'actions/checkout': {
    version: 'v4',
    inputs: [],
    run: async (_, { workspace }) => {
      await copyCheckout(workspace);
      return `checked out a copy of the checkout under test into ${workspace}`;
    },
  },
  'actions/setup-node': {
    version: 'v4',
    // `cache: npm` only speeds up a runner's `npm ci`, which the harness stands in for.
    inputs: ['node-version', 'cache'],
    run: (inputs, { useNode }) => {
      const wanted = Number(inputs['node-version']);
      const major = Number(process.versions.node.split('.')[0]);
      if (!Number.isInteger(wanted)) {
        throw new UnsupportedWorkflowSyntax(
          `setup-node: node-version "${inputs['node-version']}" is not a major version`,
        );
      }
      // This Node stands in for the one asked for; a lower one would not run what the runner runs.
      if (major < wanted) throw new Error(`setup-node asks for Node ${wanted}; the harness runs Node ${major}`);
      useNode(path.dirname(process.execPath));
      return Promise.resolve(`Node ${process.versions.node} (asked for ${wanted})`);
    },
  },
  'actions/upload-artifact': {
    version: 'v4',
    inputs: ['name', 'path', 'retention-days', 'if-no-files-found'],
    run: async (inputs, context) => {
      const name = inputs.name || 'artifact';
      const source = inputs.path ?? '';
      if (!source || /[*?[\]!\n]/.test(source)) {
        throw new UnsupportedWorkflowSyntax(`upload-artifact: path "${source}": one file or folder, no patterns`);
      }
      const from = path.resolve(context.workspace, source);
      const found = await stat(from).catch(() => undefined);
      if (!found) {
        if (inputs['if-no-files-found'] === 'ignore') return `nothing at ${source}: ignored`;
        throw new Error(`upload-artifact "${name}": ${source} does not exist in the workspace`);
      }
      const kept = path.join(context.artifacts, name);
      // v4: an artifact's name is taken once per run.
      if (await stat(kept).catch(() => undefined))
        throw new StepFailed(`upload-artifact: "${name}" was uploaded before`);
      await mkdir(kept, { recursive: true });
      await cp(from, found.isDirectory() ? kept : path.join(kept, path.basename(from)), { recursive: true });
      const leaks = findSecrets(await collectArtifacts(kept), await context.secrets());
      if (leaks.length > 0) throw new Error(`upload-artifact "${name}" holds secrets: ${leaks.join('; ')}`);
      return `uploaded ${source} as "${name}"`;
    },
  },
  'actions/download-artifact': {
    version: 'v4',
    inputs: ['name', 'path', 'pattern', 'merge-multiple'],
    run: async (inputs, context) => {
      if (inputs.name && inputs.pattern)
        throw new UnsupportedWorkflowSyntax('download-artifact: both name and pattern');
      const into = path.resolve(context.workspace, inputs.path || '.');
      const names = await readdir(context.artifacts).catch(() => [] as string[]);
      if (inputs.name) {
        if (!names.includes(inputs.name)) throw new StepFailed(`download-artifact: no artifact "${inputs.name}"`);
        await cp(path.join(context.artifacts, inputs.name), into, { recursive: true });
        return `downloaded "${inputs.name}"`;
      }
      const pattern = inputs.pattern ?? '*';
      if (/[?[\]!{}]/.test(pattern)) throw new UnsupportedWorkflowSyntax(`download-artifact: pattern "${pattern}"`);
      const matches = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
      const chosen = names.filter((name) => matches.test(name));
      const merge = inputs['merge-multiple'] === 'true';
      for (const name of chosen) {
        await cp(path.join(context.artifacts, name), merge ? into : path.join(into, name), { recursive: true });
      }
      return `downloaded ${chosen.length} artifacts (${chosen.join(', ')})${merge ? ', merged' : ''}`;
    },
  },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs the stand-in of `uses` with its (interpolated) inputs; says what it did, for the step's log. */
export async function runAction(uses: string, inputs: Inputs, context: ActionContext): Promise<string> {
  const [name, version] = uses.split('@');
  const action = actions[name ?? ''];
  if (!action) throw new UnsupportedWorkflowSyntax(`uses: ${uses}: the harness has no stand-in for it`);
  if (version !== action.version) {
    throw new UnsupportedWorkflowSyntax(`uses: ${uses}: the stand-in is for ${name}@${action.version}`);
  }
  const unknown = Object.keys(inputs).filter((input) => !action.inputs.includes(input));
  if (unknown.length > 0)
    throw new UnsupportedWorkflowSyntax(`uses: ${uses}: input ${unknown.join(', ')} is not stood in`);
  await mkdir(context.workspace, { recursive: true });
  return action.run(inputs, context);
}
