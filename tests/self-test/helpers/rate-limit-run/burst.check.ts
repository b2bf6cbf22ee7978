import { getWebinarRequest } from '../../../../requests';
import { test } from '../../../../fixtures';

// Each test is a worker making BURST_CALLS calls at once, through the `send` fixture (and so
// the run's rate limiter), with the token and webinar tests/self-test/rate-limit.spec.ts gives.
const workers = Number(process.env.BURST_WORKERS ?? 4);
const calls = Number(process.env.BURST_CALLS ?? 8);

for (let worker = 0; worker < workers; worker++) {
  test(`worker ${worker} sends ${calls} calls at once`, async ({ send }) => {
    const input = {
      apiBaseUrl: process.env.BURST_API_BASE_URL ?? '',
      accessToken: process.env.BURST_ACCESS_TOKEN ?? '',
      organizerKey: process.env.BURST_ORGANIZER_KEY ?? '',
      webinarKey: process.env.BURST_WEBINAR_KEY ?? '',
    };
    await Promise.all(Array.from({ length: calls }, () => send(getWebinarRequest(input))));
  });
}
