// Plain JavaScript on purpose: run with `node`, no compiler in the measurement.
/**
 * The daily chain (refresh → Users/me → webinars) as a plain Node script with `fetch` and
 * no checks: what a hand-written script costs, for comparison with the collection's run.
 * Reads its inputs from the environment; writes nothing.
 */
'use strict';

async function main() {
  const {
    BENCH_AUTH,
    BENCH_API,
    BENCH_CLIENT_ID = '',
    BENCH_CLIENT_SECRET = '',
    BENCH_REFRESH_TOKEN = '',
  } = process.env;
  const basic = Buffer.from(
    `${encodeURIComponent(BENCH_CLIENT_ID)}:${encodeURIComponent(BENCH_CLIENT_SECRET)}`,
  ).toString('base64');
  const tokenResponse = await fetch(`${BENCH_AUTH}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: BENCH_REFRESH_TOKEN }),
  });
  const { access_token: accessToken } = await tokenResponse.json();
  const bearer = { authorization: `Bearer ${accessToken}` };
  const me = await (await fetch(`${BENCH_API}/identity/v1/Users/me`, { headers: bearer })).json();
  const now = new Date();
  const range = new URLSearchParams({
    fromTime: now.toISOString().slice(0, 19) + 'Z',
    toTime: new Date(now.getTime() + 30 * 864e5).toISOString().slice(0, 19) + 'Z',
  });
  const webinars = await fetch(`${BENCH_API}/G2W/rest/v2/organizers/${me.id}/webinars?${range}`, { headers: bearer });
  if (!webinars.ok) throw new Error(`webinars answered ${webinars.status}`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
