import { expect, test } from './fixtures';
import { basic, tokensFor, refresh, getWebinars, wideRange } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the faults tests queue: canned
 * answers, echoes, delays, and answers held back. Each test registers its own client, so tests run
 * in parallel against one emulator without seeing each other.
 */

test.describe('faults', () => {
  test('answers the next token request with a queued fault once, records it, then behaves normally', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, {
      route: 'token',
      status: 503,
      headers: { 'content-type': 'text/plain', 'retry-after': '1' },
      body: 'maintenance',
    });
    const faulted = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('1');
    expect(await faulted.text()).toBe('maintenance');
    expect((await refresh(emulator, emulatorClient, tokens.refresh_token)).status, 'the fault is used up').toBe(200);
    const tokenRequests = (await emulator.requests(emulatorClient.clientId)).filter((r) => r.route === 'token');
    expect(
      tokenRequests.map((r) => r.form?.grant_type),
      'the faulted request was recorded too',
    ).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
  });

  test('fills an echo fault’s body and header values in from the request it answers, nothing for what it lacks', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, {
      route: 'token',
      status: 400,
      echo: true,
      headers: { 'content-type': 'text/plain', 'x-echo': 'got {{header.Authorization}}' },
      body: '{{form.grant_type}} of {{form.refresh_token}}, code "{{form.code}}"{{query.missing}}',
    });
    const authorization = basic(emulatorClient.clientId, emulatorClient.clientSecret);

    const faulted = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });

    expect(faulted.status).toBe(400);
    expect(faulted.headers.get('x-echo') === `got ${authorization}`, 'the header it received, quoted').toBe(true);
    expect((await faulted.text()) === `refresh_token of ${tokens.refresh_token}, code ""`, 'the form it received').toBe(
      true,
    );
  });

  test('refuses echo without a canned status', async ({ emulator, emulatorClient }) => {
    await expect(
      emulator.addFault(emulatorClient.clientId, { route: 'token', echo: true, delayMs: 10 }),
    ).rejects.toThrow(/echo/);
  });

  test('applies an API fault as many times as asked, attributed by the bearer token', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, { route: 'webinars', status: 429, body: '', times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await getWebinars(emulator.baseUrl, emulatorClient.user.organizerKey, tokens.access_token, wideRange()))
          .status,
      );
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  test('a fault with delayMs and no status handles the request only once the delay ends, then as usual', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh' });
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', delayMs: 60_000 });
    const answer = refresh(emulator, client, tokens.refresh_token);
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    const whileDelayed = await emulator.refreshTokens(client.clientId);
    await expect.poll(() => emulator.releaseHeld(client.clientId)).toBe(1);
    const answered = await answer;

    expect(
      whileDelayed.map((token) => token.token === tokens.refresh_token && token.current),
      'received, and not handled yet: the refresh token is not rotated',
    ).toEqual([true]);
    expect(answered.status, 'then handled as usual').toBe(200);
    expect(answered.body.refresh_token, 'with a rotated refresh token').not.toBe(tokens.refresh_token);
  });
});

test.describe('held answers', () => {
  test('holdMs rotates the refresh token at once and holds the answer back: a client that gives up never learns the new one', async ({
    emulator,
  }) => {
    const client = await emulator.createClient({ rotation: 'every-refresh' });
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', holdMs: 60_000 });
    const abandon = new AbortController();
    const sent = fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(client.clientId, client.clientSecret) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      signal: abandon.signal,
    });
    // The request is recorded and handled in one go, so once it shows in the log the token is rotated.
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    abandon.abort();

    await expect(sent).rejects.toThrow();
    const issued = await emulator.refreshTokens(client.clientId);
    expect(
      issued.map((token) => [token.token === tokens.refresh_token ? 'old' : 'new', token.active]),
      'rotated while the answer was held',
    ).toEqual([
      ['old', false],
      ['new', true],
    ]);
  });

  test('releaseHeld sends a held answer at once', async ({ emulator }) => {
    const client = await emulator.createClient();
    const tokens = await tokensFor(emulator, client);
    await emulator.addFault(client.clientId, { route: 'token', holdMs: 60_000 });
    const answer = refresh(emulator, client, tokens.refresh_token);
    await expect
      .poll(async () => (await emulator.requests(client.clientId)).filter((r) => r.route === 'token').length)
      .toBe(2);

    await expect.poll(() => emulator.releaseHeld(client.clientId)).toBe(1);

    expect((await answer).status).toBe(200);
  });

  test('refuses holdMs together with a canned status', async ({ emulator, emulatorClient }) => {
    await expect(
      emulator.addFault(emulatorClient.clientId, { route: 'token', holdMs: 100, status: 500 }),
    ).rejects.toThrow(/holdMs/);
  });
});
