import { createServer } from 'node:net';
import { expect, test as base } from './fixtures';
import type { Env } from '../../lib/config/env-target';
import { createGrantBroker, rejectsAccessToken, type GrantBroker, type GrantBrokerOptions } from '../../lib/broker';
import { ConfigError, GrantHolderError, GrantStoreError } from '../../lib/errors';
import { childEnv } from './helpers/child-env';
import { authorize, refreshesReceived, sharedGrant, storedGrant, type SharedGrant } from './helpers/grant-holders';

/*
 * The broker an app's routes import (lib/broker): the holder protocol in the app's process, on
 * a real Redis (the worker's) with the emulator as GoTo in its strictest mode (a new refresh
 * token at every refresh, earlier access tokens revoked, reuse revokes the grant).
 */

type BrokerFactory = (options?: Omit<GrantBrokerOptions, 'env'>, env?: Env) => GrantBroker;

const test = base.extend<{ shared: SharedGrant; brokerOf: BrokerFactory }>({
  /** A grant of the test's emulator client in the worker's Redis, not authorized yet. */
  shared: async ({ emulator, emulatorClient }, use) => {
    await use(await sharedGrant('redis', emulator, emulatorClient));
  },
  /** Brokers of the shared grant, as an app creates one (its environment, nothing else), closed after the test. */
  brokerOf: async ({ shared }, use) => {
    const brokers: GrantBroker[] = [];
    await use((options = {}, env = {}) => {
      const broker = createGrantBroker({
        env: childEnv({ ...shared.env, GOTO_GRANT_NAME: shared.grant, ...env }),
        name: 'test-app',
        ...options,
      });
      brokers.push(broker);
      return broker;
    });
    await Promise.all(brokers.map((broker) => broker.close()));
  },
});

/** An access token always too short-lived to serve: every call that is not shared must refresh. */
const alwaysRefresh = { timings: { minValidityMs: 24 * 3600_000 } };

test('hands out the stored access token while it has life left, with the organizer key, sending nothing to GoTo', async ({
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  const broker = brokerOf({}, { GOTO_ORGANIZER_KEY: emulatorClient.user.organizerKey });
  const token = await broker.accessToken();

  expect(token.accessToken).toBe(first.record.accessToken);
  expect(token).toMatchObject({
    source: 'stored',
    version: first.version,
    organizerKey: emulatorClient.user.organizerKey,
  });
  expect(await refreshesReceived(shared)).toHaveLength(0);
});

test('concurrent calls in one process share one refresh, and all get its token', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  const broker = brokerOf(alwaysRefresh);
  const tokens = await Promise.all(Array.from({ length: 12 }, () => broker.accessToken()));

  const [refresh, ...more] = await refreshesReceived(shared);
  expect(more, 'one refresh for twelve calls').toHaveLength(0);
  expect(refresh?.form?.refresh_token, 'sent with the stored refresh token').toBe(first.record.refreshToken);
  const issued = (await emulator.accessTokens(emulatorClient.clientId)).at(-1)?.token;
  expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set([issued]));
  expect(tokens.every((token) => token.source === 'refreshed' && token.version === first.version + 1)).toBe(true);
  expect((await storedGrant(shared))?.record.accessToken, 'the store holds it for every other holder').toBe(issued);
});

test('a call that passes the token GoTo rejected gets a new one from one refresh, never the rejected one', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  const broker = brokerOf();
  const rejected = first.record.accessToken ?? '';
  await emulator.revokeAccessTokens(emulatorClient.clientId, rejected);

  const tokens = await Promise.all([broker.accessToken({ rejected }), broker.accessToken({ rejected })]);

  expect(await refreshesReceived(shared)).toHaveLength(1);
  expect(tokens[0].accessToken).not.toBe(rejected);
  expect(tokens[1].accessToken).toBe(tokens[0].accessToken);
  expect(tokens[0].source).toBe('refreshed');
});

test('a call that passes a rejected token gets the one another holder stored since, sending nothing', async ({
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  const app = brokerOf();
  const peer = brokerOf(alwaysRefresh);
  const peers = await peer.accessToken();
  expect(await refreshesReceived(shared), "the peer's refresh").toHaveLength(1);

  const token = await app.accessToken({ rejected: first.record.accessToken ?? '' });

  expect(token.accessToken).toBe(peers.accessToken);
  expect(token).toMatchObject({ source: 'stored', version: first.version + 1 });
  expect(await refreshesReceived(shared), 'no refresh of its own').toHaveLength(1);
});

test('fetch sends the access token as a bearer, and once more with a new one when the Webinar API answers 403 InvalidToken', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  const broker = brokerOf();
  const url = `${emulator.baseUrl}/G2W/rest/v2/organizers/${emulatorClient.user.organizerKey}/webinars?fromTime=2020-01-01T00:00:00Z&toTime=2030-01-01T00:00:00Z`;
  await emulator.revokeAccessTokens(emulatorClient.clientId, first.record.accessToken ?? '');

  const response = await broker.fetch(url);

  expect(response.status).toBe(200);
  const calls = (await emulator.requests(emulatorClient.clientId)).filter((request) => request.route === 'webinars');
  const issued = (await emulator.accessTokens(emulatorClient.clientId)).at(-1)?.token;
  expect(calls.map((call) => call.headers.authorization)).toEqual([
    `Bearer ${first.record.accessToken}`,
    `Bearer ${issued}`,
  ]);
  expect(await refreshesReceived(shared)).toHaveLength(1);
});

test('rejectsAccessToken tells a rejected token (401, 403 InvalidToken) from a 403 a token cannot cure', async () => {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  expect(await rejectsAccessToken(json(401, { error: 'invalid_token' }))).toBe(true);
  expect(await rejectsAccessToken(json(403, { int_err_code: 'InvalidToken', msg: 'Invalid token passed' }))).toBe(true);
  expect(await rejectsAccessToken(json(403, { int_err_code: 'Forbidden', msg: 'No licence' }))).toBe(false);
  expect(await rejectsAccessToken(new Response('<html>', { status: 403 }))).toBe(false);
  expect(await rejectsAccessToken(json(200, {}))).toBe(false);
});

test('a grant GoTo revoked fails every call with "authorize again", and after the first nobody sends anything', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  await authorize(shared);
  await emulator.addFault(emulatorClient.clientId, {
    route: 'token',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: 'invalid_grant', error_description: 'refresh token revoked' }),
  });
  const broker = brokerOf(alwaysRefresh);
  const failure = await broker.accessToken().catch((error: unknown) => error);
  const again = await broker.accessToken().catch((error: unknown) => error);

  for (const error of [failure, again]) {
    expect(error).toBeInstanceOf(GrantHolderError);
    expect(error).toMatchObject({ code: 'GRANT_NEEDS_REAUTH' });
    expect((error as Error).message).toMatch(/authoriz/i);
  }
  expect(await refreshesReceived(shared), 'the dead refresh token went out once').toHaveLength(1);
  expect((await storedGrant(shared))?.record.state).toBe('needs-reauth');
});

test('a store that does not answer fails the call naming host:port, never the password, and nothing goes to GoTo', async ({
  emulator,
  emulatorClient,
  brokerOf,
}) => {
  const closed = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const broker = brokerOf({}, { GOTO_GRANT_STORE: `redis://:store-pw-9d2e@127.0.0.1:${closed}` });
  const error = await broker.accessToken().catch((failure: unknown) => failure);

  expect(error).toBeInstanceOf(GrantStoreError);
  expect((error as Error).message).toContain(`127.0.0.1:${closed}`);
  expect((error as Error).message).not.toContain('store-pw-9d2e');
  expect(await emulator.requests(emulatorClient.clientId)).toHaveLength(0);
});

test('a missing client secret is named before anything is opened or sent, with no value in the message', async ({
  emulator,
  emulatorClient,
  brokerOf,
}) => {
  const broker = brokerOf({}, { GOTO_CLIENT_SECRET: '' });

  const error = await broker.accessToken().catch((failure: unknown) => failure);

  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^GOTO_CLIENT_SECRET is not set/)]);
  expect((error as Error).message).not.toContain(emulatorClient.clientId);
  expect((error as Error).message).toContain('read from the environment');
  expect(await emulator.requests(emulatorClient.clientId)).toHaveLength(0);
});

test('no token and no client secret appears in a broker error, its stack or its JSON', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const first = await authorize(shared);
  await emulator.addFault(emulatorClient.clientId, {
    route: 'token',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: 'invalid_grant', error_description: 'refresh token revoked' }),
  });
  const broker = brokerOf(alwaysRefresh);
  const error = (await broker.accessToken().catch((failure: unknown) => failure)) as Error;
  const shown = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`;
  for (const secret of [first.record.accessToken, first.record.refreshToken, emulatorClient.clientSecret])
    expect(shown).not.toContain(secret ?? '-');
});

test('a store that holds no grant under the name fails with GRANT_NOT_STORED, saying to authorize or move the grant in, and sends nothing', async ({
  emulator,
  emulatorClient,
  shared,
  brokerOf,
}) => {
  const broker = brokerOf();
  const error = await broker.accessToken().catch((failure: unknown) => failure);

  expect(error).toBeInstanceOf(GrantHolderError);
  expect(error).toMatchObject({ code: 'GRANT_NOT_STORED', grant: shared.grant });
  expect((error as GrantHolderError).advice).toContain('npm run grant -- move-to-store');
  expect(await emulator.requests(emulatorClient.clientId)).toHaveLength(0);
});
