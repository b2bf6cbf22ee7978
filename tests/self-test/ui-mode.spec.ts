import { ensureBrowserCanRun, expect, test } from './fixtures';
import { serveUiMode } from './helpers/ui-mode';

// Playwright's UI mode, served over HTTP and opened in a real (headless) Chromium with a
// fresh profile, as a person opens `npx playwright test --ui`. GOTO_UPDATE_DOCS=1 also
// refreshes the README's screenshot.
test.beforeAll(() => ensureBrowserCanRun({ headed: false }));
test.describe.configure({ timeout: 10 * 60_000 });

test('UI mode opens on the collection in the order it runs, runs it, shows each request as a step, and offers the authorize project', async ({
  page,
}, testInfo) => {
  const ui = await serveUiMode({}, testInfo.outputPath('ui-mode-results'));
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    // A fresh browser profile: nothing ticked, nothing remembered.
    await page.goto(ui.url);

    const tree = page.getByRole('tree');
    const files = ['10-tokens.spec.ts', '20-api-checks.spec.ts', '30-webinar-checks.spec.ts', '90-vercel-sync.spec.ts'];
    // UI mode lists the files once it has loaded the config and every spec: on a loaded machine
    // that takes minutes, so these waits are bounded by the test's timeout alone (timeout: 0).
    for (const file of files) {
      await expect(tree.getByText(file, { exact: true }), `${file} is in the test tree on open`).toBeVisible({
        timeout: 0,
      });
    }
    const listed = await tree.getByRole('treeitem').allInnerTexts();
    const positions = files.map((file) => listed.findIndex((text) => text.includes(file)));
    expect(positions, 'top-down in the order the chain runs').toEqual([...positions].sort((a, b) => a - b));
    await page.getByTitle('Expand all').click();
    const tests = await tree.getByRole('treeitem').allInnerTexts();
    const order = [
      'exchanges the authorization code',
      'refreshes the access token',
      'Users/me answers',
      'lists the organizer’s webinars',
      'the organizer’s next webinar reads back by its key',
      'registers a person for the next webinar',
      'the last past webinar lists the attendees of all its sessions',
      'syncs the tokens to Vercel',
    ].map((title) => tests.findIndex((text) => text.includes(title)));
    expect(
      order.every((index) => index >= 0),
      `every step and check is listed: ${tests.join(' | ')}`,
    ).toBe(true);
    for (const group of ['webinars', 'sessions', 'registrants', 'attendees']) {
      expect(
        tests.some((text) => text.split('\n').some((line) => line.trim() === group)),
        `the webinar checks are grouped by resource: ${group}`,
      ).toBe(true);
    }
    expect(order, 'exchange, refresh, checks, Vercel: the order they run in').toEqual([...order].sort((a, b) => a - b));
    await expect(
      tree.getByText('authorize.spec.ts', { exact: true }),
      'the browser login is not in the collection',
    ).toHaveCount(0);

    // Running from UI mode works, and each request shows as a step of its test.
    await page.getByTitle('Run all — F5').click();
    await expect(
      page.getByText(/^(\d+)\/\1 \(100%\) — \d+ passed(, \d+ skipped)?$/),
      'the run finishes with no failure (the Vercel step is skipped unless configured)',
    ).toBeVisible({ timeout: 0 });
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

    // The browser login can be picked in the Projects filter.
    await page.locator('.filter-summary').click();
    await page.getByTestId('project-filters').getByLabel('authorize', { exact: true }).check();
    await page.locator('.filter-summary').click();
    await expect(tree.getByText('authorize.spec.ts', { exact: true }), 'authorize, once picked').toBeVisible();
  } finally {
    await ui.stop();
  }
});
