import { randomBytes } from 'node:crypto';
import type { Fault, ReceivedRequest } from '../../emulator/control-client';
import type { Env } from '../../lib/config/env-target';
import { openGrantStore } from '../../lib/grant-store/open-grant-store';
import { expect, test, updateEnvFile, type EmulatorControl, type Sandbox } from './fixtures';
import { collectArtifacts, findSecrets, type Artifact } from './helpers/artifacts';
import { runCollection, type CollectionRun } from './helpers/run-collection';
import { shownExchanges, showsRequest } from './helpers/shown-exchanges';
import { answeringStoreEnv, startRedis, testServerPassword } from './helpers/store-servers';

/*
 * The collection run as a user or CI runs it, with every output Playwright has turned on,
 * against the emulator: when it passes, and when the server answers with what it was sent
 * (an OAuth error quoting the refresh token, an HTML page quoting the Authorization header,
 * a redirect carrying the code, a 500 holding the access token), as servers and proxies
 * do. Each output is searched for every secret the emulator knows of, and each request
 * must still be shown, redacted, in the HTML report and in the trace.
 */
test.describe.configure({ timeout: 10 * 60_000 });

/**
 * Runs the collection on the sandbox with --trace=on, the list, html, junit and json reporters
 * and DEBUG=pw:api; `store` adds the grant store's variables (GOTO_GRANT_STORE and its key).
 */
async function runWithEveryOutput(
  sandbox: Sandbox,
  out: string,
  store: Env = {},
): Promise<{ run: CollectionRun; artifacts: Artifact[] }> {
  const run = await runCollection(
    {
      ...sandbox.env,
      ...store,
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

/** The sandbox as after an earlier run: tokens stored, no code; the run starts with a refresh. */
async function storeTokens(sandbox: Sandbox, emulator: EmulatorControl): Promise<void> {
  await pasteCode(sandbox, emulator);
  await sandbox.chain.exchangeCode();
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

test('with the grant store on a Redis with a password and GOTO_GRANT_STORE_KEY, a run with every output leaves no token, store password, store URL, key or client secret in any output', async ({
  sandbox,
  emulator,
}, testInfo) => {
  const redis = await startRedis();
  try {
    const store: Env = {
      ...answeringStoreEnv(redis.url),
      GOTO_GRANT_STORE_KEY: randomBytes(32).toString('base64'),
    };
    await pasteCode(sandbox, emulator);
    const seenBefore = (await emulator.requests(sandbox.client.clientId)).length;

    const { run, artifacts } = await runWithEveryOutput(sandbox, testInfo.outputPath('artifacts'), store);

    expect(run.exitCode, 'the chain passed').toBe(0);
    const held = await openGrantStore({ ...sandbox.env, ...store });
    const grant = await held.read().finally(() => held.close());
    expect(grant, 'the run exchanged the code into the store and refreshed it there').toMatchObject({
      version: 2,
      record: { state: 'ok' },
    });
    const secrets = {
      ...(await secretsOf(emulator, sandbox)),
      'the stored refresh token': grant?.record.refreshToken ?? '',
      'the stored access token': grant?.record.accessToken ?? '',
      'the store’s password': testServerPassword,
      'the store’s URL': redis.url,
      GOTO_GRANT_STORE_KEY: store.GOTO_GRANT_STORE_KEY ?? '',
    };
    expect(
      Object.entries(secrets).filter(([, value]) => !value),
      'every secret is known',
    ).toEqual([]);
    expect(findSecrets(artifacts, secrets), 'no secret in any artifact').toEqual([]);
    expectEachRequestShown(await receivedSince(emulator, sandbox, seenBefore), artifacts);
  } finally {
    await redis.stop();
  }
});

/** A server that quotes what it was sent, secrets included, in its answer (emulator `echo` faults). */
const echoes: Array<{ answer: string; start: 'a pasted code' | 'stored tokens'; fault: Fault; says: string }> = [
  {
    answer: 'an OAuth error whose error_description quotes the refresh token it received',
    start: 'stored tokens',
    fault: {
      route: 'token',
      status: 400,
      echo: true,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: '{"error":"invalid_grant","error_description":"refresh token {{form.refresh_token}} is not valid"}',
    },
    says: 'HTTP 400 invalid_grant ("refresh token ‹redacted sha256:',
  },
  {
    answer: 'an HTML error page that quotes the Authorization header it received',
    start: 'a pasted code',
    fault: {
      route: 'token',
      status: 401,
      echo: true,
      headers: { 'content-type': 'text/html;charset=UTF-8' },
      body: '<!DOCTYPE html><html><body><h1>401 Unauthorized</h1><p>Rejected credentials: <code>Authorization: {{header.authorization}}</code></p></body></html>',
    },
    says: 'HTTP 401',
  },
  {
    answer: 'a redirect whose Location carries the code it received',
    start: 'a pasted code',
    fault: {
      route: 'token',
      status: 302,
      echo: true,
      // The body as Express's res.redirect writes it.
      headers: {
        location: 'https://app.example.com/callback?code={{form.code}}',
        'content-type': 'text/plain;charset=UTF-8',
      },
      body: 'Found. Redirecting to https://app.example.com/callback?code={{form.code}}',
    },
    says: 'HTTP 302',
  },
  {
    answer: 'a 500 whose body holds the access token it received',
    start: 'a pasted code',
    fault: {
      route: 'users-me',
      status: 500,
      echo: true,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: '{"errorCode":"InternalError","description":"failed with the token in {{header.authorization}}"}',
      times: 3,
    },
    says: 'HTTP 500',
  },
];

for (const { answer, start, fault, says } of echoes) {
  test(`a run from ${start} failed by ${answer} shows each request redacted and no secret in any output`, async ({
    sandbox,
    emulator,
  }, testInfo) => {
    await (start === 'stored tokens' ? storeTokens(sandbox, emulator) : pasteCode(sandbox, emulator));
    await emulator.addFault(sandbox.client.clientId, fault);
    const seenBefore = (await emulator.requests(sandbox.client.clientId)).length;

    const { run, artifacts } = await runWithEveryOutput(sandbox, testInfo.outputPath('artifacts'));

    expect(run.exitCode, 'the run failed').toBe(1);
    // Labels and file names only: an assertion that printed the output would print what it leaked.
    expect(findSecrets(artifacts, await secretsOf(emulator, sandbox)), 'no secret in any artifact').toEqual([]);
    const received = await receivedSince(emulator, sandbox, seenBefore);
    expectEachRequestShown(received, artifacts);
    expect(run.output.includes(says), `the failure says "${says}"`).toBe(true);
    const faulted = received.find((request) => request.route === fault.route);
    const shownAnswers = shownExchanges(artifacts)['HTML report'].filter(
      (exchange) => faulted !== undefined && showsRequest(exchange, faulted),
    );
    expect(
      shownAnswers.map((exchange) => [
        exchange.response?.status,
        JSON.stringify(exchange.response?.body).includes('‹redacted sha256:'),
      ]),
      'the echoing answer is shown, with what it quoted redacted',
    ).toContainEqual([fault.status, true]);
  });
}
