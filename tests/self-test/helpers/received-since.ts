import type { EmulatorControl, ReceivedRequest, VercelReceivedRequest } from '../../../emulator/control-client';

/**
 * What the emulator received since a mark, as Playwright's own tests pair a call with
 * `server.waitForRequest`: mark before the call under test, then read what arrived after it,
 * none of what the test's own setup sent.
 */
export type RequestsMark<Request extends { route: string }> = {
  /** Every request received since the mark, in the order it arrived; only those on `route` when given. */
  received(route?: Request['route']): Promise<Request[]>;
};

async function markLog<Request extends { route: string }>(
  read: () => Promise<Request[]>,
): Promise<RequestsMark<Request>> {
  const seen = (await read()).length;
  return {
    received: async (route) =>
      (await read()).slice(seen).filter((request) => route === undefined || request.route === route),
  };
}

/** A mark in the log of what the emulated GoTo received for this client. */
export function markRequests(emulator: EmulatorControl, clientId: string): Promise<RequestsMark<ReceivedRequest>> {
  return markLog(() => emulator.requests(clientId));
}

/** A mark in the log of what the emulated Vercel received for this project. */
export function markVercelRequests(
  emulator: EmulatorControl,
  projectId: string,
): Promise<RequestsMark<VercelReceivedRequest>> {
  return markLog(() => emulator.vercelRequests(projectId));
}
