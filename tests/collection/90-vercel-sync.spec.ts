import { expect, syncedKeys, test, vercelSyncPlan } from '../../fixtures';

/*
 * The last step of the first-time workflow: put GOTO_CLIENT_ID, GOTO_CLIENT_SECRET,
 * GOTO_ACCESS_TOKEN and GOTO_REFRESH_TOKEN into the Vercel project's environment variables
 * and redeploy, with this run's fresh tokens. Off (skipped, with the reason) unless
 * VERCEL_TOKEN and VERCEL_PROJECT_ID are set; invalid VERCEL_* settings fail it, listing each.
 */
test('syncs the tokens to Vercel and redeploys', async ({ vercelSync, chain }, testInfo) => {
  const plan = vercelSyncPlan();
  test.skip(plan.status === 'off', plan.status === 'off' ? plan.reason : '');
  // The tokens it sends are this run's: refreshed once, by whichever step needed them first.
  await chain.runToken();

  const result = await vercelSync();

  expect(result.status, 'the sync ran').toBe('synced');
  if (result.status !== 'synced') return;
  for (const { target, keys } of result.targets)
    expect(keys, `${target} holds the four values`).toEqual([...syncedKeys]);
  const redeployed =
    result.redeploy.via === 'deploy-hook'
      ? `deploy hook job ${result.redeploy.jobId}`
      : `deployment ${result.redeploy.deploymentId}`;
  testInfo.annotations.push({
    type: 'vercel',
    description: `${result.projectId}: ${result.targets.map(({ target, type }) => `${target} (${type})`).join(', ')}; redeployed: ${redeployed}`,
  });
});
