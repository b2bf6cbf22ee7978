import { defineConfig } from '@playwright/test';

// Used by bench/run-bench.ts only; the benchmark starts its own emulator.
export default defineConfig({
  testDir: '.',
  reporter: 'dot',
  projects: [
    { name: 'floor', testMatch: 'empty.spec.ts' },
    { name: 'per-request', testMatch: 'per-request.spec.ts' },
  ],
});
