import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import {
  envSnapshot,
  expect,
  fingerprint,
  readEnvValues,
  ApiStatusError,
  ConfigError,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { tokenUpdates } from '../../lib/custody/token-custody';

/** Logs in at the emulator and puts the code in the sandbox's env file, as a person would paste it. */
async function pasteFreshCode(sandbox: Sandbox, emulator: EmulatorControl) {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  return code;
}

/** Points the sandbox's env file at another emulator client, as a person would edit it. */
async function useClient(sandbox: Sandbox, client: { clientId: string; clientSecret: string; redirectUris: string[] }) {
  await writeFile(
    sandbox.envFile,
    `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET="${client.clientSecret}"\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
  );
}

/**
 * The Basic value of credentials written out by hand (RFC 7617 §2: base64 of the text), so
 * that no expectation comes from the code under test (requests/client-authentication.ts).
 * A client id that is a UUID goes in as it is: form-urlencoding leaves [0-9a-f-] alone.
 */
function basicOf(credentials: string): string {
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

test('sends the code exchange as a form with Basic client authentication and the redirect URI', async ({
  sandbox,
  emulator,
}) => {
  // A secret shaped like GoTo's docs' sample (base64 with '+', '/' and '='), which form-urlencoding escapes.
  const client = await emulator.createClient({ clientSecret: 'q+W3/oAZ2lP9x+u/8Fh5Ng==' });
  await useClient(sandbox, client);
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  await sandbox.chain.exchangeCode();

  const [received] = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(received?.method).toBe('POST');
  expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(
    received?.headers.authorization === basicOf(`${client.clientId}:q%2BW3%2FoAZ2lP9x%2Bu%2F8Fh5Ng%3D%3D`),
    'Basic per RFC 6749 §2.3.1: id and secret form-urlencoded, then base64',
  ).toBe(true);
  expect(received?.form?.grant_type).toBe('authorization_code');
  expect(received?.form?.redirect_uri).toBe(client.redirectUris[0]);
  expect(fingerprint(received?.form?.code ?? ''), 'the pasted code was sent as it is').toBe(fingerprint(code));
  expect(received?.form, 'no client secret in the body when Basic is used (RFC 6749 §2.3)').not.toHaveProperty(
    'client_secret',
  );
});

test('stores the access token’s expiry as the moment the request was sent plus the expires_in GoTo answered', async ({
  sandbox,
  emulator,
}) => {
  await pasteFreshCode(sandbox, emulator);
  const sentAfter = Date.now();

  const token = await sandbox.chain.exchangeCode();

  const answeredBefore = Date.now();
  // The emulator's access tokens last GoTo's documented 60 minutes.
  expect(token.expires_in).toBe(3600);
  const expiresAt = Date.parse(readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN_EXPIRES_AT ?? '');
  expect(expiresAt, 'no earlier than sent + 3600 s').toBeGreaterThanOrEqual(sentAfter + 3600 * 1000);
  expect(expiresAt, 'no later than answered + 3600 s').toBeLessThanOrEqual(answeredBefore + 3600 * 1000);
});

test('keeps the stored refresh token when the refresh response carries none', async ({ sandbox, emulator }) => {
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'never' });
  await pasteFreshCode(sandbox, emulator);
  await sandbox.chain.exchangeCode();
  const before = envSnapshot(sandbox.envFile);

  const token = await sandbox.chain.refresh();

  expect(token.refresh_token, 'the emulator did not rotate').toBeUndefined();
  expect(envSnapshot(sandbox.envFile).GOTO_REFRESH_TOKEN).toBe(before.GOTO_REFRESH_TOKEN);
  const [refresh] = (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.form?.grant_type === 'refresh_token',
  );
  expect(fingerprint(refresh?.form?.refresh_token ?? ''), 'the stored refresh token was sent').toBe(
    before.GOTO_REFRESH_TOKEN,
  );
});

test('stores the scope GoTo answered in GOTO_GRANTED_SCOPE, at the exchange and at the refresh', async ({
  sandbox,
  emulator,
}) => {
  await pasteFreshCode(sandbox, emulator);

  const exchanged = await sandbox.chain.exchangeCode();

  // The emulator answers `scope` as GoTo documents it: the grant's scopes, space-separated.
  expect(exchanged.scope?.split(' ').sort(), 'the emulator answered the scopes of its code').toEqual([
    'collab:',
    'identity:scim.me',
  ]);
  expect(readEnvValues(sandbox.envFile).GOTO_GRANTED_SCOPE).toBe(exchanged.scope);

  await updateEnvFile(sandbox.envFile, { GOTO_GRANTED_SCOPE: 'written before the refresh' });
  const refreshed = await sandbox.chain.refresh();

  expect(refreshed.scope, 'the refresh answer carries the scope too').toBeDefined();
  expect(readEnvValues(sandbox.envFile).GOTO_GRANTED_SCOPE).toBe(refreshed.scope);
});

test('keeps the stored GOTO_GRANTED_SCOPE when a refresh answer carries no scope, and writes no empty one', () => {
  const sentAt = new Date('2026-05-01T10:00:00Z');
  const answer = { access_token: 'opaque-access', expires_in: 3600 };

  expect(Object.keys(tokenUpdates(answer, sentAt)).sort()).toEqual([
    'GOTO_ACCESS_TOKEN',
    'GOTO_ACCESS_TOKEN_EXPIRES_AT',
  ]);
  expect(Object.keys(tokenUpdates({ ...answer, scope: ' ' }, sentAt))).not.toContain('GOTO_GRANTED_SCOPE');
  expect(tokenUpdates({ ...answer, scope: 'identity:scim.me  collab:' }, sentAt).GOTO_GRANTED_SCOPE).toBe(
    'identity:scim.me collab:',
  );
});

test('a code exchange answered without a scope removes the earlier grant’s GOTO_GRANTED_SCOPE', async ({
  sandbox,
  emulator,
}) => {
  await pasteFreshCode(sandbox, emulator);
  await updateEnvFile(sandbox.envFile, { GOTO_GRANTED_SCOPE: 'identity:scim.me' });
  // A token endpoint that answers the exchange with no `scope` (RFC 6749 §5.1 lets it, when it granted what was asked).
  const answer = {
    access_token: 'access-of-the-new-grant',
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: 'r',
  };
  await emulator.addFault(sandbox.client.clientId, {
    route: 'token',
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer),
  });

  await sandbox.chain.exchangeCode();

  const tokenRequests = (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.form?.grant_type,
  );
  expect(
    tokenRequests.map((request) => request.form?.grant_type),
    'the exchange was sent',
  ).toEqual(['authorization_code']);
  const after = readEnvValues(sandbox.envFile);
  expect(after.GOTO_ACCESS_TOKEN, 'the new grant is stored').toBe(answer.access_token);
  expect(after.GOTO_GRANTED_SCOPE, 'the earlier grant’s scopes are gone').toBeUndefined();
});

test('stores a rotated refresh token, and the next refresh sends it while the old one is refused', async ({
  sandbox,
  emulator,
}) => {
  // Without reuse detection, so the grant outlives the old token's refusal (with it, that refusal revokes the grant).
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'every-refresh', reuseDetection: false });
  await pasteFreshCode(sandbox, emulator);
  const first = await sandbox.chain.exchangeCode();

  const rotated = await test.step('refresh: GoTo rotates the refresh token', () => sandbox.chain.refresh());
  expect(rotated.refresh_token, 'the emulator rotated').toBeDefined();
  expect(envSnapshot(sandbox.envFile).GOTO_REFRESH_TOKEN).toBe(fingerprint(rotated.refresh_token ?? ''));

  await test.step('the old refresh token is refused', async () => {
    await updateEnvFile(sandbox.envFile, { GOTO_REFRESH_TOKEN: first.refresh_token ?? '' });
    const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiStatusError);
    expect((error as ApiStatusError).error).toBe('invalid_grant');
    await updateEnvFile(sandbox.envFile, { GOTO_REFRESH_TOKEN: rotated.refresh_token ?? '' });
  });

  await test.step('the stored, rotated one still works', async () => {
    const again = await sandbox.chain.refresh();
    const active = (await emulator.refreshTokens(sandbox.client.clientId)).filter((token) => token.active);
    expect(
      active.map((token) => fingerprint(token.token)),
      'the file holds the one token the server accepts',
    ).toEqual([envSnapshot(sandbox.envFile).GOTO_REFRESH_TOKEN]);
    expect(again.refresh_token).toBeDefined();
  });
});

test('writes the organizer key from Users/me and lists webinars with it', async ({ sandbox, emulator }) => {
  await pasteFreshCode(sandbox, emulator);
  await sandbox.chain.exchangeCode();

  const me = await sandbox.chain.usersMe();
  const now = Date.now();
  const list = await sandbox.chain.listWebinars({
    fromTime: new Date(now - 90 * 864e5),
    toTime: new Date(now + 90 * 864e5),
    size: 10,
  });

  expect(me.id).toBe(sandbox.client.user.organizerKey);
  expect(envSnapshot(sandbox.envFile).GOTO_ORGANIZER_KEY).toBe(sandbox.client.user.organizerKey);
  expect(list._embedded?.webinars.length).toBe(10);
  expect(list.page.totalElements, 'more webinars than one page').toBeGreaterThan(10);
  const webinarsCall = (await emulator.requests(sandbox.client.clientId)).find(
    (request) => request.route === 'webinars',
  );
  expect(webinarsCall?.path).toBe(`/G2W/rest/v2/organizers/${sandbox.client.user.organizerKey}/webinars`);
  expect(webinarsCall?.query).toMatchObject({ page: '0', size: '10' });
  expect(webinarsCall?.query.fromTime, 'ISO UTC without milliseconds').toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(webinarsCall?.headers.authorization?.startsWith('Bearer '), 'RFC 6750 §2.1').toBe(true);
});

const failures = [
  {
    title: 'an expired code',
    arrange: async (sandbox: Sandbox, emulator: EmulatorControl) => {
      await pasteFreshCode(sandbox, emulator);
      await emulator.advanceClock(sandbox.client.clientId, 601);
    },
    expected: { status: 400, error: 'invalid_grant', advice: /codes last 10 minutes/ },
  },
  {
    title: 'a wrong client secret',
    arrange: async (sandbox: Sandbox, emulator: EmulatorControl) => {
      await pasteFreshCode(sandbox, emulator);
      await updateEnvFile(sandbox.envFile, { GOTO_CLIENT_SECRET: 'not-the-secret-at-all' });
    },
    expected: { status: 401, error: 'invalid_client', advice: /GOTO_CLIENT_SECRET/ },
  },
];

for (const failure of failures) {
  test(`names the step, the status, GoTo's error and what to do next for ${failure.title}, and leaves the env file as it was`, async ({
    sandbox,
    emulator,
  }) => {
    await failure.arrange(sandbox, emulator);
    const bytesBefore = await readFile(sandbox.envFile);
    const secrets = [
      sandbox.client.clientSecret,
      (await readFile(sandbox.envFile, 'utf8')).match(/GOTO_AUTH_CODE=(.*)/)?.[1] ?? '',
    ];

    const error = await sandbox.chain.exchangeCode().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiStatusError);
    const message = (error as ApiStatusError).message;
    expect(message).toContain('exchange the authorization code for tokens');
    expect(message).toContain(`HTTP ${failure.expected.status} ${failure.expected.error}`);
    expect(message).toMatch(failure.expected.advice);
    for (const secret of secrets) expect(message.includes(secret), 'no secret in the message').toBe(false);
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    const tokenRequests = (await emulator.requests(sandbox.client.clientId)).filter(
      (request) => request.route === 'token',
    );
    expect(tokenRequests, 'sent once: nothing to retry').toHaveLength(1);
  });
}

test('a refused access token on Users/me with no refresh token to replace it fails naming GOTO_REFRESH_TOKEN', async ({
  sandbox,
  emulator,
}) => {
  await writeFile(
    sandbox.envFile,
    `${await readFile(sandbox.envFile, 'utf8')}GOTO_ACCESS_TOKEN=not-a-token-the-emulator-issued\n`,
  );

  const error = await sandbox.chain.usersMe().catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^GOTO_REFRESH_TOKEN is not set/)]);
  const tokenRequests = (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.route === 'token',
  );
  expect(tokenRequests, 'the refresh it called for was not sent').toEqual([]);
});

test('a refused access token on the webinar API is reported as GoTo’s InvalidToken when the run sends no token request', async ({
  sandbox,
}) => {
  await writeFile(
    sandbox.envFile,
    `${await readFile(sandbox.envFile, 'utf8')}GOTO_ACCESS_TOKEN=not-a-token-the-emulator-issued\nGOTO_ORGANIZER_KEY=${sandbox.client.user.organizerKey}\n`,
  );
  sandbox.env.GOTO_TOKEN_REQUESTS = 'off';

  const error = await sandbox.chain
    .listWebinars({ fromTime: new Date(), toTime: new Date() })
    .catch((caught: unknown) => caught);

  expect((error as ApiStatusError).status).toBe(403);
  expect((error as ApiStatusError).message).toContain('403 InvalidToken ("Invalid token passed")');
  expect((error as ApiStatusError).message).toMatch(/run the refresh step/);
});

test('authenticates a client whose id and secret hold ":", "%" and "+" (RFC 6749 §2.3.1)', async ({
  emulator,
  sandbox,
}) => {
  const uuid = randomUUID();
  const client = await emulator.createClient({ clientId: `acme:client%${uuid}+`, clientSecret: 'se:cr%et+with space' });
  await useClient(sandbox, client);
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  const token = await sandbox.chain.exchangeCode();

  expect(token.access_token.length).toBeGreaterThan(0);
  const [sent, ...more] = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(more, 'the RFC form was accepted at once').toEqual([]);
  expect(
    sent?.headers.authorization === basicOf(`acme%3Aclient%25${uuid}%2B:se%3Acr%25et%2Bwith+space`),
    'id and secret form-encoded, then base64',
  ).toBe(true);
});

test('retries once with GoTo’s documented plain Basic form when a server that does not form-decode refuses the RFC form', async ({
  emulator,
  sandbox,
}) => {
  // A secret shaped like GoTo's (base64 with "+" and "="), on a server that reads Basic literally.
  const client = await emulator.createClient({ clientSecret: '3naO10IA2agcvG+9I9TGEQ==', basicDecoding: 'none' });
  await useClient(sandbox, client);
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  await sandbox.chain.exchangeCode();

  const sent = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(sent.map((request) => request.headers.authorization)).toEqual([
    basicOf(`${client.clientId}:3naO10IA2agcvG%2B9I9TGEQ%3D%3D`),
    basicOf(`${client.clientId}:3naO10IA2agcvG+9I9TGEQ==`),
  ]);
  expect(
    sent.map((request) => request.form?.code === code),
    'the same code both times: the refusal did not use it up',
  ).toEqual([true, true]);
});

test('with a secret of 24 alphanumerics, like GoTo’s, sends base64 of "id:secret" once, which both Basic forms are', async ({
  emulator,
  sandbox,
}) => {
  // A server that reads Basic literally, as GoTo's docs describe it: no retry is needed.
  const client = await emulator.createClient({ clientSecret: 'Q7fZr2LwX9kT4mVb8NcY3pHs', basicDecoding: 'none' });
  await useClient(sandbox, client);
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  await sandbox.chain.exchangeCode();

  const sent = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(
    sent.map((request) => request.headers.authorization === basicOf(`${client.clientId}:Q7fZr2LwX9kT4mVb8NcY3pHs`)),
    'one request, its Basic value base64 of the id and secret as they are',
  ).toEqual([true]);
});

test('the emulator’s default client secret is 24 alphanumerics, so the chain’s first Basic value is accepted', async ({
  emulator,
  sandbox,
}) => {
  expect(sandbox.client.clientSecret).toMatch(/^[A-Za-z0-9]{24}$/);
  await pasteFreshCode(sandbox, emulator);

  await sandbox.chain.exchangeCode();

  const sent = (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'token');
  expect(
    sent.map(
      (request) =>
        request.headers.authorization === basicOf(`${sandbox.client.clientId}:${sandbox.client.clientSecret}`),
    ),
    'one request, with base64 of "id:secret"',
  ).toEqual([true]);
});

test('keeps lines dotenv cannot read (no "=", an unclosed quote, stray text) byte for byte when tokens are written', async ({
  sandbox,
  emulator,
}) => {
  const malformed = 'this line is not an assignment\n=no-key\nBROKEN="never closed\n';
  await writeFile(sandbox.envFile, `${malformed}${await readFile(sandbox.envFile, 'utf8')}`);
  await pasteFreshCode(sandbox, emulator);

  await sandbox.chain.exchangeCode();
  await sandbox.chain.refresh();

  const text = await readFile(sandbox.envFile, 'utf8');
  expect(text.startsWith(malformed), 'the malformed lines are untouched').toBe(true);
  expect(envSnapshot(sandbox.envFile).GOTO_REFRESH_TOKEN, 'and the tokens were still written').toMatch(/^sha256:/);
});
