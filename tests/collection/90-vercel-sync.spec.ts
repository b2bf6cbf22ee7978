import { expect, test } from '../../fixtures';
import { redeployed, vercelSyncPlan } from '../../lib/vercel/vercel-sync';

/*
 * The last step of the first-time workflow: put GOTO_CLIENT_ID, GOTO_CLIENT_SECRET,
 * GOTO_ACCESS_TOKEN and GOTO_REFRESH_TOKEN into the Vercel project's environment variables
 * with this run's fresh tokens, and redeploy when the client or the refresh token changed
 * since the last redeploy (lib/vercel/sync-record.ts). Off (skipped, with the reason) unless
 * VERCEL_TOKEN and VERCEL_PROJECT_ID are set; invalid VERCEL_* settings fail it, listing each.
 */
test('syncs the tokens to Vercel, and redeploys when a value the app cannot renew by itself changed', async ({
  vercelSync,
  chain,
}, testInfo) => {
  const plan = vercelSyncPlan();
  test.skip(plan.status === 'off', plan.status === 'off' ? plan.reason : '');
  // The tokens it sends are this run's: refreshed once, by whichever step needed them first.
  await chain.runToken();

  const result = await vercelSync();

  expect(result.status, 'the sync ran').toBe('synced');
  if (result.status !== 'synced') return;
  for (const { target, keys } of result.targets)
    expect(keys, `${target} holds the four values`).toEqual([
      'GOTO_CLIENT_ID',
      'GOTO_CLIENT_SECRET',
      'GOTO_ACCESS_TOKEN',
      'GOTO_REFRESH_TOKEN',
    ]);
  expect(result.redeploy !== undefined, result.decision.reason).toBe(result.decision.redeploy);
  const targets = result.targets.map(({ target, type }) => `${target} (${type})`).join(', ');
  const redeploy = result.redeploy ? ` (${redeployed(result.redeploy)})` : '';
  testInfo.annotations.push({
    type: 'vercel',
    description: `${result.projectId}: ${targets}; ${result.decision.reason}${redeploy}`,
  });
});
