import { readFile, writeFile } from 'node:fs/promises';
import { basicAuthorization } from '../../requests';
import { expect, readEnvValues, test } from '../../fixtures';
import { collectArtifacts, findSecrets } from './helpers/artifacts';
import { runCollection } from './helpers/run-collection';

test.describe.configure({ timeout: 10 * 60_000 });

test('a run with --trace=on, the list, html, junit and json reporters and DEBUG=pw:api leaves no secret in any output', async ({
  sandbox,
  emulator,
}, testInfo) => {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await writeFile(sandbox.envFile, `${await readFile(sandbox.envFile, 'utf8')}GOTO_AUTH_CODE=${code}\n`);
  const out = testInfo.outputPath('artifacts');

  const run = await runCollection(
    {
      ...sandbox.env,
      // pw:api logs Playwright API calls; the chain's requests go through Node's fetch.
      DEBUG: 'pw:api',
      PLAYWRIGHT_HTML_OUTPUT_DIR: `${out}/html-report`,
      PLAYWRIGHT_JUNIT_OUTPUT_NAME: `${out}/junit.xml`,
      PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/report.json`,
    },
    ['--trace=on', '--reporter=list,html,junit,json', `--output=${out}/test-results`],
  );
  expect(run.exitCode, 'the chain passed').toBe(0);

  const received = await emulator.requests(sandbox.client.clientId);
  const bearerTokens = received.flatMap((request) => request.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? []);
  const { clientId, clientSecret } = sandbox.client;
  const secrets: Record<string, string> = {
    'client secret': clientSecret,
    'Basic value': basicAuthorization(clientId, clientSecret).slice('Basic '.length),
    'plain Basic value': basicAuthorization(clientId, clientSecret, 'none').slice('Basic '.length),
    code,
    'stored access token': readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? 'missing',
  };
  for (const [index, token] of (await emulator.refreshTokens(clientId)).entries())
    secrets[`refresh token ${index}`] = token.token;
  for (const [index, token] of bearerTokens.entries()) secrets[`access token ${index}`] = token;

  const artifacts = [{ name: 'stdout and stderr', text: run.output }, ...(await collectArtifacts(out))];
  expect(
    artifacts.some((artifact) => artifact.name.includes('trace.zip!')),
    'traces were written and opened',
  ).toBe(true);
  expect(
    artifacts.some((artifact) => artifact.name.includes('#embedded')),
    'the HTML report’s embedded data was opened',
  ).toBe(true);
  expect(findSecrets(artifacts, secrets), 'no secret in any artifact').toEqual([]);
  expect(
    artifacts.some((artifact) => artifact.text.includes('‹redacted sha256:')),
    'a person can still see each request, redacted',
  ).toBe(true);
});
