import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basicAuthorization } from '../../requests';
import {
  envSnapshot,
  expect,
  fingerprint,
  ApiStatusError,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from '../../fixtures';

/** Logs in at the emulator and puts the code in the sandbox's env file, as a person would paste it. */
async function pasteFreshCode(sandbox: Sandbox, emulator: EmulatorControl) {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  return code;
}

test('sends the code exchange as a form with Basic client authentication and the redirect URI', async ({
  sandbox,
  emulator,
}) => {
  const code = await pasteFreshCode(sandbox, emulator);

  await sandbox.chain.exchangeCode();

  const [received] = (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'token');
  expect(received?.method).toBe('POST');
  expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(
    received?.headers.authorization === basicAuthorization(sandbox.client.clientId, sandbox.client.clientSecret),
    'Basic per RFC 6749 §2.3.1',
  ).toBe(true);
  expect(received?.form?.grant_type).toBe('authorization_code');
  expect(received?.form?.redirect_uri).toBe(sandbox.client.redirectUris[0]);
  expect(fingerprint(received?.form?.code ?? ''), 'the pasted code was sent as it is').toBe(fingerprint(code));
  expect(received?.form, 'no client secret in the body when Basic is used (RFC 6749 §2.3)').not.toHaveProperty(
    'client_secret',
  );
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

test('stores a rotated refresh token, and the next refresh sends it while the old one is refused', async ({
  sandbox,
  emulator,
}) => {
  await emulator.updateClient(sandbox.client.clientId, { rotation: 'always' });
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

test('a refused access token on Users/me is reported with the WWW-Authenticate error and the refresh advice', async ({
  sandbox,
}) => {
  await writeFile(
    sandbox.envFile,
    `${await readFile(sandbox.envFile, 'utf8')}GOTO_ACCESS_TOKEN=not-a-token-the-emulator-issued\n`,
  );

  const error = await sandbox.chain.usersMe().catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiStatusError);
  expect((error as ApiStatusError).status).toBe(401);
  expect((error as ApiStatusError).error).toBe('invalid_token');
  expect((error as ApiStatusError).message).toMatch(/run the refresh step/);
});

test('a refused access token on the webinar API is reported as GoTo’s InvalidToken', async ({ sandbox }) => {
  await writeFile(
    sandbox.envFile,
    `${await readFile(sandbox.envFile, 'utf8')}GOTO_ACCESS_TOKEN=not-a-token-the-emulator-issued\nGOTO_ORGANIZER_KEY=${sandbox.client.user.organizerKey}\n`,
  );

  const error = await sandbox.chain
    .listWebinars({ fromTime: new Date(), toTime: new Date() })
    .catch((caught: unknown) => caught);

  expect((error as ApiStatusError).status).toBe(403);
  expect((error as ApiStatusError).message).toContain('403 InvalidToken ("Invalid token passed")');
});

test('authenticates a client whose id and secret hold ":", "%" and "+" (RFC 6749 §2.3.1)', async ({
  emulator,
  sandbox,
}) => {
  const client = await emulator.createClient({
    clientId: `acme:client%${randomUUID()}+`,
    clientSecret: 'se:cr%et+with space',
  });
  await writeFile(
    sandbox.envFile,
    `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET="${client.clientSecret}"\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
  );
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  const token = await sandbox.chain.exchangeCode();

  expect(token.access_token.length).toBeGreaterThan(0);
  const [sent, ...more] = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(more, 'the RFC form was accepted at once').toEqual([]);
  expect(
    sent?.headers.authorization === basicAuthorization(client.clientId, client.clientSecret),
    'id and secret form-encoded, then base64',
  ).toBe(true);
});

test('retries once with GoTo’s documented plain Basic form when a server that does not form-decode refuses the RFC form', async ({
  emulator,
  sandbox,
}) => {
  // A secret shaped like GoTo's (base64 with "+" and "="), on a server that reads Basic literally.
  const client = await emulator.createClient({ clientSecret: '3naO10IA2agcvG+9I9TGEQ==', basicDecoding: 'none' });
  await writeFile(
    sandbox.envFile,
    `GOTO_CLIENT_ID=${client.clientId}\nGOTO_CLIENT_SECRET=${client.clientSecret}\nGOTO_REDIRECT_URI=${client.redirectUris[0]}\n`,
  );
  const { code } = await emulator.issueCode(client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });

  await sandbox.chain.exchangeCode();

  const sent = (await emulator.requests(client.clientId)).filter((request) => request.route === 'token');
  expect(sent.map((request) => request.headers.authorization)).toEqual([
    basicAuthorization(client.clientId, client.clientSecret),
    basicAuthorization(client.clientId, client.clientSecret, 'none'),
  ]);
  expect(
    sent.map((request) => request.form?.code === code),
    'the same code both times: the refusal did not use it up',
  ).toEqual([true, true]);
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
