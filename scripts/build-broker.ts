/**
 * Builds the broker an app installs (`goto-token-runner/broker`, lib/broker/index.ts) into
 * dist/broker: one CommonJS bundle (esbuild, as lib/script-bundle.ts builds the custodian)
 * and its type declarations (tsc). The store clients (`@redis/client`, `pg`) stay outside the
 * bundle: they are the package's dependencies, installed with it, and only the chosen one is
 * loaded. Run by `npm pack` (the `prepack` script), so a tarball or a git dependency always
 * holds a current build.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const entry = path.join(root, 'lib/broker/index.ts');

/** Packages the bundle leaves to the app's node_modules: the package's runtime dependencies. */
export const brokerExternals = ['@redis/client', 'pg', 'pg-connection-string', 'pg-native', 'zod'];

function main() {
  // Built beside dist, then swapped in whole: a pack that runs meanwhile never sees half a build.
  const staging = path.join(root, `dist.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'broker'), { recursive: true });
  bundleBroker(staging);
  emitDeclarations(staging);
  swapIn(staging);
}

/** One CommonJS file for Node 20, the package's dependencies left out; it must not hold Playwright. */
function bundleBroker(staging: string): void {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: brokerExternals,
    outfile: path.join(staging, 'broker/index.cjs'),
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const playwright = Object.keys(result.metafile.inputs).filter((input) => input.includes('@playwright/'));
  if (playwright.length > 0) throw new Error(`the broker's bundle must not hold Playwright: ${playwright.join(', ')}`);
}

/** The broker's types, by the project's own tsc, and the .d.cts that points at them. */
function emitDeclarations(staging: string): void {
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      entry,
      '--declaration',
      '--emitDeclarationOnly',
      '--outDir',
      path.join(staging, 'types'),
      '--rootDir',
      root,
      '--target',
      'ES2022',
      '--lib',
      'ES2023,DOM',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      '--types',
      'node',
      '--strict',
      '--skipLibCheck',
      '--esModuleInterop',
    ],
    { stdio: 'inherit', cwd: root },
  );
  writeFileSync(path.join(staging, 'broker/index.d.cts'), "export * from '../types/lib/broker/index';\n");
}

/** Replaces dist by the staged build with renames, so dist is always a whole build. */
function swapIn(staging: string): void {
  const old = path.join(root, `dist.${process.pid}.old`);
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(dist, old);
  } catch {
    // No earlier build.
  }
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
}

main();
