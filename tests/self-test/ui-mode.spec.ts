import { ensureBrowserCanRun, expect, test } from '../../fixtures';
import { serveUiMode } from '../../fixtures/ui-mode';

// Playwright's UI mode, served over HTTP and opened in a real (headless) Chromium, lists
// the collection by flow. GOTO_UPDATE_DOCS=1 also refreshes the README's screenshot.
test.beforeAll(() => ensureBrowserCanRun({ headed: false }));
test.describe.configure({ timeout: 10 * 60_000 });

test('UI mode served over HTTP lists the collection by flow, runs it, and shows each request as a step', async ({ page }, testInfo) => {
  const ui = await serveUiMode({}, testInfo.outputPath('ui-mode-results'));
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(ui.url);

    // UI mode shows the first project until you tick others in its Projects filter.
    await page.locator('.filter-summary').click();
    const projects = page.getByTestId('project-filters');
    for (const project of ['emulator-login', 'exchange', 'refresh', 'api', 'vercel', 'authorize']) {
      await projects.getByLabel(project, { exact: true }).check();
    }
    await page.locator('.filter-summary').click();

    const tree = page.getByRole('tree');
    for (const file of ['emulator-login.setup.ts', 'exchange.spec.ts', 'refresh.spec.ts', 'api-checks.spec.ts', 'authorize.spec.ts']) {
      await expect(tree.getByText(file, { exact: true }), `${file} is in the test tree`).toBeVisible({ timeout: 30_000 });
    }
    await page.getByTitle('Expand all').click();
    await expect(tree.getByText('lists the organizer’s webinars of the coming 30 days with the new access token')).toBeVisible();

    // Running from UI mode works, and each request shows as a step of its test.
    await page.getByTitle('Run all — F5').click();
    await expect(page.getByText(/^(\d+)\/\1 \(100%\) — \d+ passed(, \d+ skipped)?$/), 'the run finishes with no failure (the Vercel step is skipped unless configured)').toBeVisible({ timeout: 60_000 });
    await tree.getByText('refreshes the access token and stores it', { exact: false }).click();
    const step = page.getByTestId('actions-tree').getByText('refresh the access token · POST /oauth/token');
    await expect(step).toBeVisible();
    await step.click();
    await page.getByRole('tab', { name: 'Attachments' }).click();
    await page.getByRole('tabpanel', { name: 'Attachments' }).getByText('POST /oauth/token', { exact: true }).click();
    await expect(page.getByText('‹redacted sha256:').first(), 'the attached exchange is redacted').toBeVisible();

    const screenshot = await page.screenshot();
    await testInfo.attach('ui-mode', { body: screenshot, contentType: 'image/png' });
    if (process.env.GOTO_UPDATE_DOCS === '1') await page.screenshot({ path: 'docs/ui-mode.png' });
  } finally {
    await ui.stop();
  }
});
