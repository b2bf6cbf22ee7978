import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiStatusError, expect, test, type EmulatorClient, type EmulatorControl, type Sandbox } from './fixtures';
import * as requests from '../../requests';
import { childEnv } from './helpers/child-env';
import { runCollection } from './helpers/run-collection';

/*
 * Scopes as the collection meets them: Users/me needs `identity:scim.me` ("Profile"), the
 * Webinar API `collab:` ("GoToWebinar"), a grant keeps the scopes it got when a person
 * authorized, and GOTO_SCOPE sets what the authorize URL asks for. Each test against the
 * emulator, with a client of its own.
 */

const root = path.resolve(__dirname, '..', '..');

/** The sandbox pointed at a client of its own, as a person would edit the env file, then authorized. */
async function authorizedWith(
  sandbox: Sandbox,
  emulator: EmulatorControl,
  options: Parameters<EmulatorControl['createClient']>[0],
) {
  const client = await emulator.createClient(options);
  await writeFile(
    sandbox.envFile,
    `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET="${client.clientSecret}"\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
  );
  await authorizeAgain(sandbox, emulator, client);
  return client;
}

/** A person logs in and allows access; the code is exchanged. */
async function authorizeAgain(sandbox: Sandbox, emulator: EmulatorControl, client: EmulatorClient) {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(client.clientId)).code });
}

async function received(emulator: EmulatorControl, client: EmulatorClient) {
  const requests = await emulator.requests(client.clientId);
  return {
    refreshes: requests.filter((request) => request.form?.grant_type === 'refresh_token'),
    usersMe: requests.filter((request) => request.route === 'users-me'),
    webinars: requests.filter((request) => request.route === 'webinars'),
  };
}

const nextWeek = () => ({ fromTime: new Date(), toTime: new Date(Date.now() + 7 * 864e5) });

test('fails Users/me without identity:scim.me naming the scope, "Profile" in the developer center and a new authorization, and refreshes nothing', async ({
  sandbox,
  emulator,
}) => {
  const client = await authorizedWith(sandbox, emulator, { scope: 'collab:' });

  const error = await sandbox.chain.usersMe().catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiStatusError);
  const { status, error: code, message } = error as ApiStatusError;
  expect([status, code]).toEqual([403, 'insufficient_scope']);
  expect(message).toContain('lacks the scope identity:scim.me');
  expect(message).toContain('https://developer.logmeininc.com/clients open the OAuth client, tick "Profile"');
  expect(message).toContain('then authorize again (`npx playwright test --project=authorize`');
  const sent = await received(emulator, client);
  expect(sent.usersMe, 'Users/me was asked once').toHaveLength(1);
  expect(sent.refreshes, 'a refresh cannot add a scope: none was sent').toEqual([]);
});

test('fails the webinar list without collab: naming the scope and "GoToWebinar", and refreshes nothing', async ({
  sandbox,
  emulator,
}) => {
  const client = await authorizedWith(sandbox, emulator, { scope: 'identity:scim.me' });
  await sandbox.chain.usersMe();

  const error = await sandbox.chain.listWebinars(nextWeek()).catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiStatusError);
  expect([(error as ApiStatusError).status, (error as ApiStatusError).error]).toEqual([403, 'Forbidden']);
  expect((error as ApiStatusError).message).toContain('lacks the scope collab:');
  expect((error as ApiStatusError).message).toContain('tick "GoToWebinar" (collab:)');
  const sent = await received(emulator, client);
  expect(sent.webinars).toHaveLength(1);
  expect(sent.refreshes).toEqual([]);
});

test('names the missing scope even when the answer says nothing of scopes (a bare 403 with an empty JSON body)', async ({
  sandbox,
  emulator,
}) => {
  await authorizedWith(sandbox, emulator, {
    scope: 'identity:scim.me',
    insufficientScope: { webinars: { status: 403, headers: { 'content-type': 'application/json' }, body: '{}' } },
  });
  await sandbox.chain.usersMe();

  const error = await sandbox.chain.listWebinars(nextWeek()).catch((caught: unknown) => caught);

  expect((error as ApiStatusError).status).toBe(403);
  expect((error as ApiStatusError).error).toBeUndefined();
  expect((error as ApiStatusError).message).toContain('lacks the scope collab:');
});

test('keeps failing after the scope is ticked on the client until a person authorizes again, then passes', async ({
  sandbox,
  emulator,
}) => {
  const client = await authorizedWith(sandbox, emulator, { scope: 'collab:' });
  await emulator.updateClient(client.clientId, { scope: 'collab: identity:scim.me' });

  await test.step('a refresh keeps the scopes of the grant', async () => {
    const refreshed = await sandbox.chain.refresh();
    expect(refreshed.scope).toBe('collab:');
    const error = await sandbox.chain.usersMe().catch((caught: unknown) => caught);
    expect((error as ApiStatusError).status).toBe(403);
  });
  await test.step('authorized again, the new grant has identity:scim.me', async () => {
    await authorizeAgain(sandbox, emulator, client);
    expect((await sandbox.chain.usersMe()).id).toBe(client.user.organizerKey);
  });
});

test('a collection run against a client without collab: fails the webinar check naming the scope and passes Users/me', async ({
  sandbox,
  emulator,
}, testInfo) => {
  // A whole `playwright test` run: time for a loaded machine, not for speed.
  test.setTimeout(3 * 60_000);
  await authorizedWith(sandbox, emulator, { scope: 'identity:scim.me' });

  const run = await runCollection(sandbox.env, [
    'tests/collection/20-api-checks.spec.ts',
    '--workers=1',
    '--reporter=line',
    `--output=${testInfo.outputPath('run')}`,
  ]);

  expect(run.exitCode, run.output).toBe(1);
  expect(run.output).toContain('1 failed');
  expect(run.output).toContain('1 passed');
  expect(run.output).toContain('answered HTTP 403 Forbidden');
  expect(run.output).toContain('tick "GoToWebinar" (collab:)');
});

test('collab: names every Webinar call the collection defines, so npm run status can say what a missing scope breaks', () => {
  const isOperation = (value: unknown): value is requests.WebinarOperation =>
    typeof value === 'object' && value !== null && 'operationId' in value && 'path' in value;
  const defined = (Object.values(requests) as unknown[]).filter(isOperation).map((operation) => operation.operationId);

  expect(defined.length, 'the Webinar operations were found').toBeGreaterThan(0);
  expect([...requests.webinarScope.calls].sort()).toEqual([...new Set(defined)].sort());
});

test.describe('GOTO_SCOPE', () => {
  function printAuthorizeUrl(env: Record<string, string>) {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/authorize-url.ts'], {
      cwd: root,
      env: childEnv(env, { base: 'path' }),
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const printed = /https?:\/\/\S+\/oauth\/authorize\?\S+/.exec(result.stdout)?.[0] ?? '';
    return new URL(printed);
  }

  test('npm run authorize-url asks for the scopes of GOTO_SCOPE', ({ sandbox }) => {
    const url = printAuthorizeUrl({ ...sandbox.env, GOTO_SCOPE: 'identity:scim.me   collab:' });

    expect(url.searchParams.get('scope'), 'space-separated (RFC 6749 §3.3)').toBe('identity:scim.me collab:');
  });

  test('npm run authorize-url asks for no scope without GOTO_SCOPE, so GoTo grants every scope of the client', ({
    sandbox,
  }) => {
    const url = printAuthorizeUrl(sandbox.env as Record<string, string>);

    expect(url.searchParams.has('scope')).toBe(false);
  });
});
