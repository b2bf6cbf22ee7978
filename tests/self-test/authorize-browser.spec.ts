import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { authorizeUrl, createPkcePair, randomState } from '../../requests';
import {
  AuthorizeError,
  authorizeInBrowser,
  authorizeRequest,
  emulatorLogin,
  ensureBrowserCanRun,
  expect,
  loadSettings,
  requireSettings,
  test,
  type Sandbox,
} from './fixtures';
import { collectArtifacts, findSecrets } from './helpers/artifacts';

// The browser half of first-time authorization, in a real (headless) Chromium against the
// emulator, with a sandbox client and env file per test.
test.beforeAll(() => ensureBrowserCanRun({ headed: false }));

// A login on a loaded machine (a Chromium start, the emulator's pages) can take well over 10 s:
// the test waits for the redirect as long as the test itself may take, not for a budget.
test.describe.configure({ timeout: 2 * 60_000 });
const loginWaitMs = 2 * 60_000;

type LoginOptions = {
  login?: (page: Page) => Promise<void>;
  timeoutMs?: number;
  /** The state sent in the authorize URL; random by default. */
  state?: string;
  /** The state the flow expects back; by default the one sent. */
  expectedState?: string;
  redirectUri?: string;
  codeChallenge?: string;
};

/** The browser login for the sandbox's client, as the authorize project runs it. */
function logIn(page: Page, sandbox: Sandbox, options: LoginOptions = {}): Promise<string> {
  const state = options.state ?? randomState();
  const redirectUri = options.redirectUri ?? sandbox.client.redirectUris[0] ?? '';
  const url = authorizeUrl({
    authBaseUrl: sandbox.env.GOTO_AUTH_BASE_URL ?? '',
    clientId: sandbox.client.clientId,
    redirectUri,
    state,
    codeChallenge: options.codeChallenge,
  });
  return authorizeInBrowser(page, {
    url,
    redirectUri,
    state: options.expectedState ?? state,
    timeoutMs: options.timeoutMs ?? loginWaitMs,
    login: options.login ?? emulatorLogin(sandbox.client.user),
  });
}

test('reads the code from the redirect without loading the redirect site, and exchanges it with the PKCE verifier', async ({
  page,
  sandbox,
  emulator,
}) => {
  const pkce = createPkcePair();
  const state = randomState();
  const siteRequests: string[] = [];
  page.on('requestfinished', (request) => {
    if (new URL(request.url()).hostname === 'app.example.com') siteRequests.push(request.url());
  });

  const code = await logIn(page, sandbox, { state, codeChallenge: pkce.codeChallenge });
  await sandbox.chain.exchangeCode({ code, codeVerifier: pkce.codeVerifier });

  const received = await emulator.requests(sandbox.client.clientId);
  const authorize = received.find((request) => request.route === 'authorize' && request.method === 'GET');
  const token = received.find((request) => request.route === 'token');
  expect(authorize?.query).toMatchObject({ code_challenge: pkce.codeChallenge, code_challenge_method: 'S256', state });
  expect(token?.form?.code_verifier === pkce.codeVerifier, 'the verifier went with the code (RFC 7636 §4.5)').toBe(
    true,
  );
  expect(page.url().includes(code), 'the page never shows the code').toBe(false);
  expect(siteRequests, 'the redirect site was never loaded').toEqual([]);
});

const failures: {
  title: string;
  code: string;
  run: (page: Page, sandbox: Sandbox) => Promise<unknown>;
  says: RegExp;
}[] = [
  {
    title: 'turns an access_denied redirect into advice to choose Allow',
    code: 'AUTHORIZE_DENIED',
    run: (page, sandbox) => logIn(page, sandbox, { login: emulatorLogin(sandbox.client.user, 'Deny') }),
    says: /access_denied .*choose Allow/s,
  },
  {
    title: 'refuses a redirect whose state differs from the one sent',
    code: 'AUTHORIZE_STATE_MISMATCH',
    run: (page, sandbox) => logIn(page, sandbox, { state: 'sent-by-another-login', expectedState: randomState() }),
    says: /state differs .*RFC 6749 §10\.12/s,
  },
  {
    title: 'gives up after GOTO_LOGIN_TIMEOUT when nobody logs in, saying how to get more time',
    code: 'AUTHORIZE_TIMEOUT',
    run: (page, sandbox) => logIn(page, sandbox, { timeoutMs: 500, login: async () => {} }),
    says: /No redirect to GOTO_REDIRECT_URI within 1 seconds.*GOTO_LOGIN_TIMEOUT/s,
  },
  {
    title: 'explains a redirect URI that is not registered on the client',
    code: 'AUTHORIZE_REFUSED',
    run: (page, sandbox) => logIn(page, sandbox, { redirectUri: 'https://not-registered.example.com/' }),
    says: /HTTP 400 .*GOTO_REDIRECT_URI is registered/s,
  },
];

for (const failure of failures) {
  test(`${failure.title}, and leaves the env file as it was`, async ({ page, sandbox, emulator }) => {
    const before = await readFile(sandbox.envFile);

    const error = await failure.run(page, sandbox).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(AuthorizeError);
    expect((error as AuthorizeError).code).toBe(failure.code);
    expect((error as AuthorizeError).message).toMatch(failure.says);
    expect((await readFile(sandbox.envFile)).equals(before)).toBe(true);
    const exchanges = (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'token');
    expect(exchanges, 'no code was exchanged').toEqual([]);
  });
}

test('keeps the code out of the browser trace, which the redirect would otherwise record', async ({
  page,
  sandbox,
}, testInfo) => {
  const code = await logIn(page, sandbox);

  // Save what the trace holds now (the project's `trace` setting records every test and
  // keeps the trace on failure); the runner's recording goes on afterwards.
  const saved = testInfo.outputPath('after-login.zip');
  await page.context().tracing.stopChunk({ path: saved });
  await page.context().tracing.startChunk();
  const artifacts = await collectArtifacts(path.dirname(saved));
  expect(
    artifacts.some((artifact) => artifact.name.includes('after-login.zip!')),
    'the trace was read',
  ).toBe(true);
  expect(findSecrets(artifacts, { code }), 'no code in the trace').toEqual([]);
  expect(page.url().includes(code), 'the page never shows the code').toBe(false);
});

test('asks for the scopes of GOTO_SCOPE in the browser login, and the tokens carry just those', async ({
  page,
  sandbox,
  emulator,
}) => {
  const settings = requireSettings(loadSettings({ ...sandbox.env, GOTO_SCOPE: 'collab:' }), [
    'clientId',
    'redirectUri',
  ]);
  const { url, state } = authorizeRequest(settings);

  const code = await authorizeInBrowser(page, {
    url,
    redirectUri: settings.redirectUri,
    state,
    timeoutMs: loginWaitMs,
    login: emulatorLogin(sandbox.client.user),
  });
  const token = await sandbox.chain.exchangeCode({ code });

  const authorize = (await emulator.requests(sandbox.client.clientId)).find(
    (request) => request.route === 'authorize' && request.method === 'GET',
  );
  expect(authorize?.query.scope, 'the authorize request asked for GOTO_SCOPE').toBe('collab:');
  expect(token.scope, 'the grant holds just that scope').toBe('collab:');
});
