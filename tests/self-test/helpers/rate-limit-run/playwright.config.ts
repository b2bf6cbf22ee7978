import { defineConfig } from '@playwright/test';

// Used by tests/self-test/rate-limit.spec.ts only: BURST_WORKERS tests side by side, each in a
// worker of its own, each sending BURST_CALLS requests through the collection's sender.
export default defineConfig({
  testDir: '.',
  testMatch: 'burst.check.ts',
  fullyParallel: true,
  reporter: 'line',
  globalSetup: './global-setup.ts',
});
