import { writeFile } from 'node:fs/promises';
import { usersMeRequest } from '../requests';
import { test } from '../fixtures';
import { EmulatorControl } from '../emulator/control-client';
import { TokenChain } from '../lib/chain/token-chain';
import { sendRequest } from '../lib/http/send-request';

// Run by bench/run-bench.ts only (bench/playwright.config.ts): the cost of one request
// through the collection's sender (a `test.step` with a redacted attachment, zod parsing)
// against the same request with plain `fetch`, in the same worker, alternating rounds.
test('per-request cost: collection sender vs plain fetch', async ({ send }) => {
  test.setTimeout(300_000);
  const emulator = new EmulatorControl(process.env.GOTO_EMULATOR_URL ?? '');
  const client = await emulator.createClient();
  const { code } = await emulator.issueCode(client.clientId);
  const env = {
    GOTO_TARGET: 'goto',
    GOTO_ENV_FILE: test.info().outputPath('bench.env'),
    GOTO_AUTH_BASE_URL: emulator.baseUrl,
    GOTO_API_BASE_URL: emulator.baseUrl,
    GOTO_CLIENT_ID: client.clientId,
    GOTO_CLIENT_SECRET: client.clientSecret,
    GOTO_REDIRECT_URI: client.redirectUris[0],
  };
  const token = await new TokenChain((request) => sendRequest(request), env).exchangeCode({ code });
  const request = () => usersMeRequest({ apiBaseUrl: emulator.baseUrl, accessToken: token.access_token });
  const rounds = Number(process.env.BENCH_REQUESTS ?? 300);

  const timed = async (action: () => Promise<unknown>) => {
    const start = performance.now();
    await action();
    return performance.now() - start;
  };
  const plain = async () => {
    const prepared = request();
    const response = await fetch(prepared.url, { headers: prepared.headers });
    await response.json();
  };
  const collection: number[] = [];
  const fetchOnly: number[] = [];
  for (let warmup = 0; warmup < 20; warmup++) {
    await plain();
    await send(request());
  }
  for (let round = 0; round < rounds; round++) {
    fetchOnly.push(await timed(plain));
    collection.push(await timed(() => send(request())));
  }
  await writeFile(
    process.env.BENCH_RESULT_FILE ?? test.info().outputPath('result.json'),
    JSON.stringify({ collection, fetchOnly }),
  );
});
