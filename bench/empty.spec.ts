import { test } from '@playwright/test';

// Playwright's start-up floor: a whole `playwright test` run of one empty test.
test('does nothing', () => {});
