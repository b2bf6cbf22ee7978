import type { ReceivedRequest } from '../../emulator/control-client';
import { expect, test, updateEnvFile, type EmulatorControl, type Sandbox } from '../../fixtures';
import { collectArtifacts, findSecrets, type Artifact } from './helpers/artifacts';
import { runCollection, type CollectionRun } from './helpers/run-collection';
import { shownExchanges, showsRequest } from './helpers/shown-exchanges';

/*
 * The collection run as a user or CI runs it, with every output Playwright has turned on,
 * against the emulator. Each output is searched for every secret the emulator knows of,
 * and each request must still be shown, redacted, in the HTML report and in the trace.
 */
test.describe.configure({ timeout: 10 * 60_000 });

/** Runs the collection on the sandbox with --trace=on, the list, html, junit and json reporters and DEBUG=pw:api. */
async function runWithEveryOutput(
  sandbox: Sandbox,
  out: string,
): Promise<{ run: CollectionRun; artifacts: Artifact[] }> {
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
  const artifacts = [{ name: 'stdout and stderr', text: run.output }, ...(await collectArtifacts(out))];
  expect(
    artifacts.some((artifact) => artifact.name.includes('trace.zip!')),
    'traces were written and opened',
  ).toBe(true);
  expect(
    artifacts.some((artifact) => artifact.name.includes('#embedded')),
    'the HTML report’s embedded data was opened',
  ).toBe(true);
  return { run, artifacts };
}

/** Logs in at the emulator and puts the code in the sandbox's env file, as a person would paste it. */
async function pasteCode(sandbox: Sandbox, emulator: EmulatorControl): Promise<void> {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
}

/**
 * Every secret of the sandbox's client the emulator knows of: its secret, the credentials
 * of every `Authorization` header and every code and token it received, every refresh and
 * access token it issued, and GoTo's docs' plain Basic form, base64 of `id:secret` (RFC
 * 7617 §2), written out here in case it were ever sent.
 */
async function secretsOf(emulator: EmulatorControl, sandbox: Sandbox): Promise<Record<string, string>> {
  const { clientId, clientSecret } = sandbox.client;
  const secrets: Record<string, string> = {
    'client secret': clientSecret,
    'plain Basic value': Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64'),
  };
  for (const [index, request] of (await emulator.requests(clientId)).entries()) {
    const credentials = request.headers.authorization?.replace(/^\S+ +/, '');
    if (credentials) secrets[`Authorization credentials of request ${index}`] = credentials;
    for (const field of ['code', 'refresh_token', 'code_verifier', 'client_secret']) {
      const value = request.form?.[field];
      if (value) secrets[`${field} of request ${index}`] = value;
    }
  }
  for (const [index, token] of (await emulator.refreshTokens(clientId)).entries())
    secrets[`refresh token ${index}`] = token.token;
  for (const [index, token] of (await emulator.accessTokens(clientId)).entries())
    secrets[`access token ${index}`] = token.token;
  return secrets;
}

/** Each request, on its own, must be shown with its own credentials fingerprinted, in the report and the trace. */
function expectEachRequestShown(received: ReceivedRequest[], artifacts: Artifact[]): void {
  expect(received.length, 'the run sent requests').toBeGreaterThan(0);
  for (const [where, exchanges] of Object.entries(shownExchanges(artifacts))) {
    const unseen = received.filter((request) => !exchanges.some((exchange) => showsRequest(exchange, request)));
    expect(
      unseen.map((request) => `${request.method} ${request.path}`),
      `each request is shown, redacted, in the ${where}`,
    ).toEqual([]);
  }
}

/** What the emulator received for the sandbox's client since `seenBefore` requests had been logged. */
async function receivedSince(emulator: EmulatorControl, sandbox: Sandbox, seenBefore: number) {
  return (await emulator.requests(sandbox.client.clientId)).slice(seenBefore);
}

test('a run with --trace=on, the list, html, junit and json reporters and DEBUG=pw:api leaves no secret in any output', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await pasteCode(sandbox, emulator);
  const seenBefore = (await emulator.requests(sandbox.client.clientId)).length;

  const { run, artifacts } = await runWithEveryOutput(sandbox, testInfo.outputPath('artifacts'));

  expect(run.exitCode, 'the chain passed').toBe(0);
  expect(findSecrets(artifacts, await secretsOf(emulator, sandbox)), 'no secret in any artifact').toEqual([]);
  expectEachRequestShown(await receivedSince(emulator, sandbox, seenBefore), artifacts);
});
