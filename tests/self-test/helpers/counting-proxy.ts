import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CountingProxy = {
  /** `http://127.0.0.1:PORT`: a GoTo-compatible server, as far as a client can tell. */
  url: string;
  /** `METHOD path` of every request it received, in order. */
  received: string[];
  close(): Promise<void>;
};

/**
 * A server of its own on 127.0.0.1 that writes down every request it receives and answers it
 * through `upstream` (the built-in emulator): a GoTo-compatible server a user's `.env` can
 * point at, which can say afterwards whether anything reached it, whatever the path, client
 * or credentials.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    const forwarded = request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
