import { randomBytes } from 'node:crypto';
import { expect, syncToVercel, test, stepSender, shownPath, VercelSyncError } from './fixtures';
import { findSecrets } from './helpers/artifacts';
import { vercelSandbox, secretsOf, fast, replaceValue, listingReports } from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: no value of the
 * env file, no Vercel token and no deploy hook id in step titles, attachments, results or errors.
 * Each test registers its own project.
 */

test('the report of the list of variables shows no other variable’s value', async ({ emulator }) => {
  const appSecret = `postgres://app:${randomBytes(12).toString('hex')}@db.example.com/app`;

  const { listings } = await listingReports(emulator, { key: 'DATABASE_URL', value: appSecret });

  expect(listings[1]).toMatch(/"key": "DATABASE_URL",[^}]*"value": "‹not shown›"/);
  expect(
    findSecrets(
      listings.map((text, index) => ({ name: `listing ${index + 1}`, text })),
      { DATABASE_URL: appSecret },
    ),
  ).toEqual([]);
});

test('never shows a value, the Vercel token or the deploy hook in step titles, attachments, results or errors', async ({
  emulator,
}) => {
  const setup = await vercelSandbox(emulator);
  const testInfo = test.info();
  const titles: string[] = [];
  const send = stepSender(fast);
  const recording: typeof send = (request) => {
    titles.push(`${request.step} · ${request.method} ${shownPath(request)}`);
    return send(request);
  };
  const result = await syncToVercel(recording, setup.env);
  const firstRefreshToken = setup.values.GOTO_REFRESH_TOKEN;
  // A new refresh token, so the second sync redeploys; Vercel may echo what it was sent:
  // its hook answers with the refresh token in its error.
  await replaceValue(setup, 'GOTO_REFRESH_TOKEN');
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'deploy-hook',
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error: {
        code: 'internal_server_error',
        message: `could not deploy with ${setup.values.GOTO_REFRESH_TOKEN} and ${setup.values.GOTO_CLIENT_SECRET}`,
      },
    }),
  });
  const error = (await syncToVercel(recording, setup.env).catch((caught: unknown) => caught)) as VercelSyncError;

  expect(error.message).toContain('Step "trigger the Vercel deploy hook" failed: POST /v1/integrations/deploy/');
  expect(titles, 'each request was a step: 6 for the first sync, 4 for the second').toHaveLength(10);
  const attachments = testInfo.attachments.map((attachment) => ({
    name: `attachment ${attachment.name}`,
    text: `${attachment.name}\n${attachment.body?.toString('utf8') ?? ''}`,
  }));
  expect(attachments.length, 'the exchanges were attached').toBeGreaterThanOrEqual(10);
  expect(
    attachments.map((attachment) => attachment.text).join('\n'),
    'the attachments show the request bodies, redacted',
  ).toMatch(/"key": "GOTO_REFRESH_TOKEN",\s+"value": "‹redacted sha256:[0-9a-f]{12}›"/);
  const artifacts = [
    { name: 'step titles', text: titles.join('\n') },
    { name: 'result', text: JSON.stringify(result) },
    { name: 'error', text: `${error.message}\n${JSON.stringify(error)}` },
    ...attachments,
  ];
  expect(findSecrets(artifacts, { ...secretsOf(setup), 'first GOTO_REFRESH_TOKEN': firstRefreshToken })).toEqual([]);
});
