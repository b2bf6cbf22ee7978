/**
 * Holders of one grant in processes of their own (grant-holder-process.ts), on each grant
 * store backend, with the emulator as GoTo: what the holder protocol's tests start, stop and
 * read. Each holder gets its own env file unless the test gives one (holders on one machine
 * share theirs, and with it the recovery file).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from '@playwright/test';
import type { EmulatorClient, EmulatorControl, ReceivedRequest } from '../../../emulator/control-client';
import type { Env } from '../../../lib/config/env-target';
import { setUpHolder } from '../../../lib/custody/grant-holder-setup';
import { exchangeSender } from '../../../lib/custody/token-sender';
import type { StoredGrant } from '../../../lib/grant-store/grant-record';
import { openGrantStore } from '../../../lib/grant-store/open-grant-store';
import { bundledScript, bundleNodePath } from '../../../lib/script-bundle';
import { childEnv, repositoryRoot } from './child-env';
import type { BrokerAppJob } from './broker-app-process';
import type { HolderJob, LoopSummary, OnceResult } from './grant-holder-process';
import { answeringStoreEnv, sharedPostgresUrl, sharedRedisUrl, uniqueGrant } from './store-servers';

export type BackendName = 'env-file' | 'redis' | 'postgres';
export const backendNames: BackendName[] = ['env-file', 'redis', 'postgres'];

/** The variables that choose the store: a shared env file (the env-file store) or a server's URL. */
async function backendEnv(backend: BackendName): Promise<Env> {
  if (backend === 'redis') return answeringStoreEnv(await sharedRedisUrl());
  if (backend === 'postgres') return answeringStoreEnv(await sharedPostgresUrl());
  const envFile = test.info().outputPath('grant-store.env');
  await writeFile(envFile, '', { flag: 'a', mode: 0o600 });
  return { GOTO_ENV_FILE: envFile };
}

/** A grant of the emulator's client in a store: what every holder of it is given. */
export type SharedGrant = {
  backend: BackendName;
  grant: string;
  /** The holders' environment: target goto on the emulator, the client, the store. */
  env: Env;
  client: EmulatorClient;
  emulator: EmulatorControl;
};

export async function sharedGrant(
  backend: BackendName,
  emulator: EmulatorControl,
  client: EmulatorClient,
  /** A store of the test's own instead of the worker's (a server it stops). */
  store?: Env,
): Promise<SharedGrant> {
  const env: Env = {
    GOTO_TARGET: 'goto',
    GOTO_AUTH_BASE_URL: emulator.baseUrl,
    GOTO_API_BASE_URL: emulator.baseUrl,
    GOTO_CLIENT_ID: client.clientId,
    GOTO_CLIENT_SECRET: client.clientSecret,
    GOTO_REDIRECT_URI: client.redirectUris[0],
    ...(store ?? (await backendEnv(backend))),
  };
  return { backend, grant: uniqueGrant(), env, client, emulator };
}

/** Authorizes (a code from the emulator, exchanged through the protocol in this process): version 1 of the grant. */
export async function authorize(shared: SharedGrant, env: Env = shared.env): Promise<StoredGrant> {
  const { code } = await shared.emulator.issueCode(shared.client.clientId);
  const { holder, store, settings } = await setUpHolder(childEnv(env), { grant: shared.grant, run: 'authorize' });
  try {
    const redirectUri = shared.client.redirectUris[0] ?? '';
    await holder.newGrant(exchangeSender({ ...settings, redirectUri }, { code }, {}));
    return (await store.read()) as StoredGrant;
  } finally {
    await store.close();
  }
}

/** The grant as the store holds it now. */
export async function storedGrant(shared: SharedGrant): Promise<StoredGrant | undefined> {
  const store = await openGrantStore(childEnv(shared.env), { grant: shared.grant });
  try {
    return await store.read();
  } finally {
    await store.close();
  }
}

/** The refreshes the emulator received for the client, oldest first. */
export async function refreshesReceived(shared: SharedGrant): Promise<ReceivedRequest[]> {
  return (await shared.emulator.requests(shared.client.clientId)).filter(
    (request) => request.route === 'token' && request.form?.grant_type === 'refresh_token',
  );
}

export type HolderProcess = {
  pid: number;
  /** Resolves once the holder printed `line` (or a line it starts with). */
  reached(line: string): Promise<void>;
  /** Writes a line to its stdin: goes on from a pause, or ends a loop. */
  tell(line?: string): void;
  /** Its last line, parsed: the outcome of `once`, the summary of `loop`. */
  result<T = OnceResult>(): Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  output(): string;
};

export function startHolder(shared: SharedGrant, job: Omit<HolderJob, 'grant'>, env: Env = {}): HolderProcess {
  return startProcess('grant-holder-process.ts', { ...job, grant: shared.grant }, { ...shared.env, ...env });
}

/**
 * An app instance serving requests through the broker (broker-app-process.ts), on the shared
 * grant, with the organizer key the app is given.
 */
export function startBrokerApp(shared: SharedGrant, job: BrokerAppJob): HolderProcess {
  return startProcess('broker-app-process.ts', job, {
    ...shared.env,
    GOTO_GRANT_NAME: shared.grant,
    GOTO_ORGANIZER_KEY: shared.client.user.organizerKey,
  });
}

/** A process of ours (a file beside this one, bundled), with its job as JSON and `env` through childEnv. */
function startProcess(file: string, job: object, env: Env): HolderProcess {
  const script = bundledScript(path.join(__dirname, file));
  const child = spawn(process.execPath, [script, JSON.stringify(job)], {
    cwd: repositoryRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnv({ ...env, NODE_PATH: bundleNodePath() }),
  });
  let out = '';
  let err = '';
  const waiting: { line: string; resolve: () => void }[] = [];
  const check = () => {
    const lines = out.split('\n');
    for (const wait of [...waiting])
      if (lines.some((line) => line.startsWith(wait.line))) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve();
      }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid ?? -1,
    reached: (line) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ line, resolve });
        check();
        void exited.then(() => reject(new Error(`the holder ended before "${line}":\n${out}\n${err}`)));
      }),
    tell: (line = 'go') => {
      child.stdin.write(`${line}\n`);
    },
    result: async <T>() => {
      await exited;
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        return JSON.parse(last) as T;
      } catch {
        throw new Error(`the holder printed no result:\n${out}\n${err}`);
      }
    },
    exited,
    kill: (signal) => {
      try {
        process.kill(child.pid ?? 0, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
    output: () => `${out}\n${err}`,
  };
}

export type { LoopSummary, OnceResult };
export type { BrokerAppSummary } from './broker-app-process';
