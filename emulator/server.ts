import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearerToken, handleUsersMe, handleWebinars, USERS_ME_PATH, WEBINARS_PATH } from './api-routes';
import { showAuthorizePage, submitAuthorizePage } from './authorize-routes';
import { claimedClientId } from './client-auth';
import type { FaultRoute, ListeningSocket, ReceivedRoute } from './control-types';
import { CONTROL_PREFIX, handleControl } from './control-routes';
import { jwks, serverMetadata } from './discovery-routes';
import { jsonReply, PayloadTooLargeError, readIncoming, writeReply, type Incoming, type Reply } from './http-io';
import { cannedReply } from './fault-queue';
import { createJwtSigner } from './jwt';
import { EmulatorState } from './state';
import type { Tenant } from './tenant';
import { handleIntrospect, handleRevoke } from './token-lifecycle-routes';
import { handleToken } from './token-route';
import { handleVercelControl, VERCEL_CONTROL_PREFIX } from './vercel-control-routes';
import { handleVercel, isVercelPath } from './vercel-routes';
import { VercelState } from './vercel-state';
import { handleWebinarRoute, matchWebinarRoute } from './webinar-routes';

export type RunningEmulator = {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Where the server socket is bound, read back from the socket itself; also `GET /__emulator/listening`. */
  listening(): ListeningSocket;
  close(): Promise<void>;
};

/**
 * Starts the GoTo emulator: OAuth server (authorize, token, introspect, revoke, RFC 8414
 * metadata, JWKS), the SCIM "me" endpoint, the G2W webinars list and the control API, on
 * 127.0.0.1 only, so nothing off this machine can reach it. Port 0 picks a free port.
 * It also emulates the Vercel endpoints the Vercel sync uses (emulator/vercel-routes.ts;
 * their paths start with /v{n}/, which no GoTo path does) and their control API under
 * /__emulator/vercel/.
 */
export async function startEmulator(options: { port?: number } = {}): Promise<RunningEmulator> {
  const signer = await createJwtSigner();
  // The state needs the bound port (it is the issuer URL), so it exists only once listening.
  const ready: { state?: EmulatorState; vercel?: VercelState } = {};
  const listening = (): ListeningSocket => {
    const { address, family, port } = server.address() as AddressInfo;
    return { address, family, port, pid: process.pid };
  };
  const server = createServer((req, res) => {
    const { state, vercel } = ready;
    if (state && vercel) void respond(req, res, { state, vercel, listening });
    else writeReply(res, jsonReply(503, { error: 'the emulator is starting' }));
  });
  // Idle keep-alive connections stay until the client closes them. Node closes them after 5 s
  // by default, and a client reusing one at that moment gets "other side closed" (a loaded
  // machine's late timers make that common); without the timeout Node sends no Keep-Alive hint,
  // so fetch (undici) closes its idle sockets itself after its own 4 s, and close() ends the rest.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  ready.state = new EmulatorState(signer, url);
  ready.vercel = new VercelState(url);
  return {
    url,
    listening,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (fetch keeps them) would hold close() open otherwise.
        server.closeAllConnections();
      }),
  };
}

type Served = { state: EmulatorState; vercel: VercelState; listening: () => ListeningSocket };

async function respond(req: IncomingMessage, res: ServerResponse, { state, vercel, listening }: Served): Promise<void> {
  try {
    const incoming = await readIncoming(req, state.issuer);
    const path = incoming.url.pathname;
    if (path.startsWith(VERCEL_CONTROL_PREFIX)) return writeReply(res, handleVercelControl(incoming, vercel));
    if (path.startsWith(CONTROL_PREFIX)) return writeReply(res, handleControl(incoming, state, listening));
    if (isVercelPath(path)) return await respondAsVercel(incoming, res, vercel);
    await respondAsGoTo(incoming, res, state);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return writeReply(res, jsonReply(413, { error: error.message }));
    // Say what failed, not what was sent: request bodies hold secrets.
    process.stderr.write(
      `GoTo emulator: ${req.method} ${req.url?.split('?')[0]} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    writeReply(
      res,
      jsonReply(500, { error: 'server_error', error_description: 'the emulator failed; see its stderr' }),
    );
  }
}

async function respondAsVercel(incoming: Incoming, res: ServerResponse, vercel: VercelState): Promise<void> {
  const outcome = handleVercel(incoming, vercel);
  if (outcome.delayMs) await sleep(outcome.delayMs);
  if ('drop' in outcome) return void res.destroy();
  writeReply(res, outcome.reply);
}

/** Logged for the client it belongs to, then answered: by the next fault queued for its route, else by GoTo's rules. */
async function respondAsGoTo(incoming: Incoming, res: ServerResponse, state: EmulatorState): Promise<void> {
  const route = routeOf(incoming.url.pathname);
  const tenant = attribute(incoming, state);
  const logged = tenant?.record({
    route,
    method: incoming.method,
    path: incoming.url.pathname,
    query: { ...incoming.query.values },
    headers: { ...incoming.headers },
    ...(incoming.form ? { form: { ...incoming.form.values } } : {}),
    ...jsonBody(incoming),
  });
  const fault = tenant && isFaultRoute(route) ? tenant.takeFault(route) : undefined;
  // A delay ends early on `releaseHeld`, as a held answer does: a test waits for that, not for a clock.
  if (fault?.delayMs && tenant) await tenant.hold(fault.delayMs);
  // No status line at all: the client sees the connection close before any answer.
  if (fault?.drop) return void res.destroy();
  const reply =
    fault?.status !== undefined ? cannedReply({ ...fault, status: fault.status }, incoming) : dispatch(incoming, state);
  // The work is done (a token may be rotated); only the answer waits.
  if (fault?.holdMs && tenant) await tenant.hold(fault.holdMs);
  if (logged) logged.status = reply.status;
  writeReply(res, reply);
}

function dispatch(incoming: Incoming, state: EmulatorState): Reply {
  const path = incoming.url.pathname;
  const method = incoming.method;
  if (path === '/oauth/authorize') {
    if (method === 'GET') return showAuthorizePage(incoming, state);
    if (method === 'POST') return submitAuthorizePage(incoming, state);
    return jsonReply(405, { error: 'use GET or POST' }, { allow: 'GET, POST' });
  }
  if (path === '/oauth/token') return handleToken(incoming, state);
  if (path === '/oauth/introspect') return handleIntrospect(incoming, state);
  if (path === '/oauth/revoke') return handleRevoke(incoming, state);
  if (path === '/oauth/jwks.json' && method === 'GET') return jwks(state);
  if (path === '/.well-known/oauth-authorization-server' && method === 'GET') return serverMetadata(state);
  if (USERS_ME_PATH.test(path)) return handleUsersMe(incoming, state);
  const webinars = WEBINARS_PATH.exec(path);
  if (webinars) return handleWebinars(incoming, state, safeDecode(webinars[1] ?? ''));
  const webinarRoute = matchWebinarRoute(path);
  if (webinarRoute) return handleWebinarRoute(incoming, state, webinarRoute);
  // The shape api.getgo.com gives unrouted paths (docs/goto-facts.md §5e).
  return jsonReply(404, { errorCode: 'NOT_FOUND', message: `No route for ${method} ${path}` });
}

function routeOf(path: string): ReceivedRoute {
  if (path === '/oauth/authorize') return 'authorize';
  if (path === '/oauth/token') return 'token';
  if (USERS_ME_PATH.test(path)) return 'users-me';
  if (WEBINARS_PATH.test(path)) return 'webinars';
  return matchWebinarRoute(path)?.route ?? 'other';
}

function isFaultRoute(route: ReceivedRoute): route is FaultRoute {
  return route !== 'authorize' && route !== 'other';
}

/**
 * A JSON body (createRegistrant's) for the request log: as it arrived, and parsed when it
 * parses. Only the text holds a 19-digit number exactly.
 */
function jsonBody(incoming: Incoming): { json?: unknown; rawBody?: string } {
  if (!/^application\/json\b/i.test(incoming.headers['content-type'] ?? '') || incoming.rawBody === '') return {};
  try {
    return { json: JSON.parse(incoming.rawBody) as unknown, rawBody: incoming.rawBody };
  } catch {
    return { rawBody: incoming.rawBody };
  }
}

/**
 * Which client a request concerns, so it lands in that client's log and faults: the owner
 * of the bearer token (valid or not), else the client_id it claims (Basic, form, query).
 */
function attribute(incoming: Incoming, state: EmulatorState): Tenant | undefined {
  const token = bearerToken(incoming.headers);
  if (token !== undefined) {
    const owner = state.ownerOf(token);
    if (owner) return owner;
  }
  const clientId = claimedClientId(incoming, state) ?? incoming.query.values.client_id;
  return clientId === undefined ? undefined : state.tenant(clientId);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
