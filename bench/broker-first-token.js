// Plain JavaScript on purpose: run with `node`, no compiler in the measurement, as an app's
// Vercel Node function loads the broker.
/**
 * What an app's cold function pays for the broker (issue 19, "its import time and its first
 * call on a warm store"): requiring the built package (dist/broker/index.cjs, what
 * `npm pack` ships), then the first `accessToken()` of a broker made from the environment,
 * which connects to the grant store and serves the stored token (no refresh: run by
 * bench/run-bench.ts after a run that left a fresh token in the store). Prints the two times
 * and the token's source as JSON on one line; never the token.
 */
'use strict';

async function main() {
  const bundle = process.argv[2];
  if (!bundle) throw new Error('usage: node bench/broker-first-token.js <path of dist/broker/index.cjs>');
  const started = performance.now();
  // require(), as a CommonJS function loads the package (its `exports` default is this bundle).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createGrantBroker } = require(bundle);
  const imported = performance.now();
  // Nothing is opened here (lib/broker/grant-broker.ts): the store connects on the first call.
  const broker = createGrantBroker({ env: process.env, name: 'bench' });
  try {
    const asked = performance.now();
    const { source } = await broker.accessToken();
    const served = performance.now();
    process.stdout.write(`${JSON.stringify({ importMs: imported - started, firstTokenMs: served - asked, source })}\n`);
  } finally {
    await broker.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
