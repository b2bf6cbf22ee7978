import { connect } from 'node:net';
import { expect, test } from './fixtures';
import { listeningSockets } from './helpers/listening-sockets';
import { basic, postForm, tokensFor, refresh, DAY } from './helpers/emulator-http';

/*
 * The GoTo emulator, checked against the behaviour it claims: the emulator as a server: where it
 * listens, its metadata, its request log, revocation (RFC 7009, RFC 7662). Each test registers its
 * own client, so tests run in parallel against one emulator without seeing each other.
 */

test.describe('the emulator itself', () => {
  test('listens on 127.0.0.1 only, as its server socket reports its bound address', async ({ emulator }) => {
    const port = Number(new URL(emulator.baseUrl).port);

    const socket = await emulator.listening();

    // getsockname(2) of the listening socket: 0.0.0.0 or :: here would take connections from other hosts.
    expect(socket).toEqual({ address: '127.0.0.1', family: 'IPv4', port, pid: expect.any(Number) });
    const overIpv6 = await fetch(`http://[::1]:${port}/__emulator/health`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(overIpv6, 'the IPv6 loopback is not bound').toBe('refused');
  });

  test('holds no listening socket on its port but 127.0.0.1’s, as the kernel lists them', async ({ emulator }) => {
    test.skip(process.platform !== 'linux', 'reads /proc/PID/net/tcp, which only Linux has');
    const { pid, port } = await emulator.listening();

    const sockets = await listeningSockets(pid);

    expect(
      sockets.filter((socket) => socket.port === port),
      'the emulator process listens on its port at 127.0.0.1 and nowhere else',
    ).toEqual([{ address: '127.0.0.1', port }]);
  });

  test('serves RFC 8414 metadata with its own URLs', async ({ emulator }) => {
    const response = await fetch(`${emulator.baseUrl}/.well-known/oauth-authorization-server`);
    expect(await response.json()).toMatchObject({
      issuer: emulator.baseUrl,
      authorization_endpoint: `${emulator.baseUrl}/oauth/authorize`,
      token_endpoint: `${emulator.baseUrl}/oauth/token`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  test("records each request in its client's log with lowercased headers and the client's clock", async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.advanceClock(emulatorClient.clientId, 10 * DAY);
    await fetch(`${emulator.baseUrl}/identity/v1/Users/me?probe=1`, {
      headers: { Authorization: `Bearer ${tokens.access_token}`, 'X-Trace': 'abc' },
    });
    const last = (await emulator.requests(emulatorClient.clientId)).at(-1);
    expect(last).toMatchObject({
      route: 'users-me',
      method: 'GET',
      path: '/identity/v1/Users/me',
      query: { probe: '1' },
    });
    expect(last?.headers['x-trace']).toBe('abc');
    expect(Date.parse(last?.at ?? '') - Date.now(), 'stamped 10 days ahead, on the client clock').toBeGreaterThan(
      9 * DAY * 1000,
    );
  });

  test('leaves an idle keep-alive connection open for the client to close, sending no Keep-Alive hint', async ({
    emulator,
  }) => {
    const port = Number(new URL(emulator.baseUrl).port);
    const socket = connect(port, '127.0.0.1');
    const answers: string[] = [];
    let closedByServer = false;
    socket.on('data', (chunk: Buffer) => answers.push(chunk.toString('latin1')));
    socket.on('end', () => (closedByServer = true));
    const ask = () => socket.write('GET /__emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    try {
      ask();
      await expect.poll(() => answers.join('')).toMatch(/^HTTP\/1\.1 200 /);
      expect(answers.join(''), 'no timeout hint: the client keeps its own').not.toMatch(/^keep-alive:/im);

      // Longer idle than Node's default keepAliveTimeout (5 s), after which it would close the socket.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      answers.length = 0;
      ask();

      await expect.poll(() => answers.join('')).toMatch(/^HTTP\/1\.1 200 /);
      expect(closedByServer, 'the emulator did not close the idle connection').toBe(false);
    } finally {
      socket.destroy();
    }
  });

  test('records the status it answered each request with, a canned fault’s included', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    await emulator.addFault(emulatorClient.clientId, { route: 'users-me', status: 503 });
    const headers = { Authorization: `Bearer ${tokens.access_token}` };
    await fetch(`${emulator.baseUrl}/identity/v1/Users/me`, { headers });
    await fetch(`${emulator.baseUrl}/identity/v1/Users/me`, { headers });

    const received = await emulator.requests(emulatorClient.clientId);

    expect(received.map((request) => [request.route, request.status])).toEqual([
      // issueCode signs in on the authorize page: the page, then the redirect with the code.
      ['authorize', 200],
      ['authorize', 302],
      ['token', 200],
      ['users-me', 503],
      ['users-me', 200],
    ]);
  });

  test('revokes a refresh token at /oauth/revoke so it neither introspects as active nor refreshes (RFC 7009, RFC 7662)', async ({
    emulator,
    emulatorClient,
  }) => {
    const tokens = await tokensFor(emulator, emulatorClient);
    const auth = { authorization: basic(emulatorClient.clientId, emulatorClient.clientSecret) };
    const before = await postForm(`${emulator.baseUrl}/oauth/introspect`, { token: tokens.refresh_token }, auth);
    expect(before.body).toMatchObject({
      active: true,
      client_id: emulatorClient.clientId,
      username: emulatorClient.user.email,
    });
    expect((await postForm(`${emulator.baseUrl}/oauth/revoke`, { token: tokens.refresh_token }, auth)).status).toBe(
      200,
    );
    const after = await postForm(`${emulator.baseUrl}/oauth/introspect`, { token: tokens.refresh_token }, auth);
    expect(after.body).toEqual({ active: false });
    expect((await refresh(emulator, emulatorClient, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });
});
