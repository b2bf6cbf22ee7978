import { FaultQueue } from './fault-queue';
import { randomBytes } from 'node:crypto';
import type {
  CreateVercelProjectOptions,
  EmulatorVercelProject,
  VercelDeployment,
  VercelEnvTarget,
  VercelEnvVariable,
  VercelFault,
  VercelProjectState,
  VercelReceivedRequest,
  VercelRoute,
} from './control-types';

/** Vercel's ids look like `prj_` / `dpl_` / `env_` and base62; only the shape matters here. */
export function vercelId(prefix: string, length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return `${prefix}${[...bytes].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

/**
 * One emulated Vercel project: its token, variables, deployments, deploy hook, request log
 * and pending faults. Tests each register their own, so they never see each other.
 */
export class VercelProject {
  readonly projectId: string;
  readonly name: string;
  readonly teamId: string | undefined;
  readonly token: string;
  readonly hookId: string | undefined;
  readonly env: VercelEnvVariable[] = [];
  readonly deployments: VercelDeployment[] = [];
  private readonly log: VercelReceivedRequest[] = [];
  private readonly faults = new FaultQueue<VercelFault>();

  constructor(
    options: CreateVercelProjectOptions,
    n: number,
    private readonly origin: string,
  ) {
    this.projectId = vercelId('prj_', 28);
    this.name = options.name ?? `emulated-app-${n}`;
    this.teamId = options.teamId;
    this.token = options.token ?? vercelId('', 24);
    // Deploy hook ids are 10 characters (https://vercel.com/docs/deploy-hooks shows `tKybBxqhQs`).
    this.hookId = options.deployHook === false ? undefined : vercelId('', 10);
    for (const variable of options.env ?? [])
      this.env.push({
        ...variable,
        target: [...variable.target],
        id: vercelId('', 16),
        createdAt: Date.now(),
        updatedAt: Date.now(),
      });
    if (options.productionDeployment !== false) this.deploy('registered');
  }

  get deployHookUrl(): string | undefined {
    return this.hookId === undefined
      ? undefined
      : `${this.origin}/v1/integrations/deploy/${this.projectId}/${this.hookId}`;
  }

  describe(): EmulatorVercelProject {
    return {
      projectId: this.projectId,
      name: this.name,
      ...(this.teamId === undefined ? {} : { teamId: this.teamId }),
      token: this.token,
      ...(this.deployHookUrl === undefined ? {} : { deployHookUrl: this.deployHookUrl }),
    };
  }

  snapshot(): VercelProjectState {
    return {
      ...this.describe(),
      env: this.env.map((variable) => ({ ...variable, target: [...variable.target] })),
      deployments: this.deployments.map((deployment) => ({ ...deployment, env: { ...deployment.env } })),
    };
  }

  /** A new READY deployment, built with its environment's variables as they are now. */
  deploy(
    source: VercelDeployment['source'],
    options: { target?: 'production' | null; redeployOf?: string } = {},
  ): VercelDeployment {
    const target = options.target === undefined ? 'production' : options.target;
    const { redeployOf } = options;
    const deployment: VercelDeployment = {
      uid: vercelId('dpl_', 28),
      name: this.name,
      url: `${this.name}-${vercelId('', 9).toLowerCase()}.vercel.app`,
      // Strictly increasing, so "newest first" is well defined within one millisecond.
      created: Math.max(Date.now(), (this.deployments.at(-1)?.created ?? 0) + 1),
      state: 'READY',
      target,
      source,
      ...(redeployOf === undefined ? {} : { redeployOf }),
      env: this.valuesFor(target ?? 'preview'),
    };
    this.deployments.push(deployment);
    return deployment;
  }

  valuesFor(target: VercelEnvTarget): Record<string, string> {
    return Object.fromEntries(
      this.env.filter((variable) => variable.target.includes(target)).map((variable) => [variable.key, variable.value]),
    );
  }

  record(entry: Omit<VercelReceivedRequest, 'at'>): void {
    this.log.push({ ...entry, at: new Date().toISOString() });
  }

  requests(): VercelReceivedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  addFault(fault: VercelFault): void {
    this.faults.add(fault);
  }

  takeFault(route: VercelRoute): VercelFault | undefined {
    return this.faults.take(route);
  }
}

/** Every emulated Vercel project, by id; names resolve too, as `idOrName` does on Vercel. */
export class VercelState {
  private readonly projects = new Map<string, VercelProject>();
  private created = 0;

  constructor(private readonly origin: string) {}

  createProject(options: CreateVercelProjectOptions): VercelProject {
    const project = new VercelProject(options, ++this.created, this.origin);
    this.projects.set(project.projectId, project);
    return project;
  }

  /** Whether any project accepts this token (a token no project knows is refused outright). */
  knowsToken(token: string): boolean {
    return [...this.projects.values()].some((project) => project.token === token);
  }

  project(idOrName: string): VercelProject | undefined {
    return this.projects.get(idOrName) ?? [...this.projects.values()].find((project) => project.name === idOrName);
  }
}
