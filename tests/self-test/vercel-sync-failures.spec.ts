import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Env } from '../../lib/config/env-target';
import { expect, test, VercelSyncError, type EmulatorControl } from './fixtures';
import { closedPort } from './helpers/closed-port';
import {
  type SentVariable,
  type VercelSetup,
  vercelSandbox,
  secretsOf,
  fast,
  valueUpserts,
} from './helpers/vercel-sandbox';

/*
 * The Vercel sync (docs/vercel.md) against the emulated Vercel in the emulator: every way Vercel
 * can fail the sync, named with its step, status, Vercel's error and what to do, with nothing more
 * sent than the policy allows and the env file left byte for byte as it was. Each test registers
 * its own project.
 */

const refusals: Array<{
  title: string;
  arrange: (setup: VercelSetup, emulator: EmulatorControl) => Env | Promise<Env>;
  expected: { status: number; says: string };
}> = [
  {
    title: 'a token Vercel does not know (403 forbidden)',
    arrange: (setup) => ({ ...setup.env, VERCEL_TOKEN: `not-a-vercel-token-${randomUUID()}` }),
    expected: { status: 403, says: 'HTTP 403 forbidden ("Not authorized")' },
  },
  {
    title: 'a token Vercel says has expired (401)',
    arrange: async (setup, emulator) => {
      await emulator.addVercelFault(setup.project.projectId, {
        route: 'env',
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'unauthorized', message: 'The token has expired' } }),
      });
      return setup.env;
    },
    expected: { status: 401, says: 'HTTP 401 unauthorized ("The token has expired")' },
  },
  {
    title: 'a token used for a team it does not belong to (403)',
    arrange: (setup) => ({ ...setup.env, VERCEL_TEAM_ID: 'team_someoneelse' }),
    expected: { status: 403, says: 'HTTP 403 forbidden' },
  },
];

for (const refusal of refusals) {
  test(`names the step, the status, Vercel's error and what to do for ${refusal.title}`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator);
    const env = await refusal.arrange(setup, emulator);

    const error = await vercelSync(env, fast).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(VercelSyncError);
    const { message, code, status } = error as VercelSyncError;
    expect(code).toBe('VERCEL_HTTP_STATUS');
    expect(status).toBe(refusal.expected.status);
    expect(message).toContain(
      'Step "save the GoTo values as Vercel environment variables (production)" failed: ' +
        `POST /v10/projects/${setup.project.projectId}/env answered ${refusal.expected.says}`,
    );
    expect(message).toMatch(/What to do: .*VERCEL_TOKEN/);
    expect(message).toContain(
      'Nothing was saved on Vercel. Not saved: production, preview (stopped at production). ' +
        'No redeploy happened. The env file was not changed.',
    );
    for (const [label, secret] of Object.entries({ ...secretsOf(setup), 'token sent': env.VERCEL_TOKEN ?? '' })) {
      expect(message.includes(secret), `no ${label} in the message`).toBe(false);
    }
  });

  test(`after ${refusal.title}, nothing more is sent and the env file stays as it was`, async ({
    emulator,
    vercelSync,
  }) => {
    const setup = await vercelSandbox(emulator);
    const env = await refusal.arrange(setup, emulator);
    const bytesBefore = await readFile(setup.envFile);

    await vercelSync(env, fast).catch(() => undefined);

    expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(
      (await emulator.vercelRequests(setup.project.projectId)).map((request) => request.route),
      'one refused upsert, not retried, no redeploy',
    ).toEqual(['env']);
  });
}

test('names VERCEL_PROJECT_ID and VERCEL_TEAM_ID when Vercel finds no such project (404)', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator, {}, {});

  const error = await vercelSync({ ...setup.env, VERCEL_PROJECT_ID: 'prj_nosuchproject' }, fast).catch(
    (caught: unknown) => caught,
  );

  expect((error as VercelSyncError).message).toContain('answered HTTP 404 not_found ("Project not found")');
  expect((error as VercelSyncError).message).toMatch(/What to do: .*VERCEL_PROJECT_ID.*VERCEL_TEAM_ID/);
});

/** Vercel's 201 answer to an upsert when it refused a variable (its `failed` list). */
async function refuseClientIdOnce(emulator: EmulatorControl, setup: VercelSetup): Promise<void> {
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      created: [],
      failed: [
        {
          error: {
            code: 'ENV_CONFLICT',
            message: 'A variable with the name `GOTO_CLIENT_ID` already exists for the target production',
            key: 'GOTO_CLIENT_ID',
          },
        },
      ],
    }),
  });
}

test('names the variable Vercel refused inside a 201 answer, with Vercel’s words and what to do', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await refuseClientIdOnce(emulator, setup);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_ENV_NOT_SAVED');
  expect((error as VercelSyncError).message).toContain(
    'answered HTTP 201, but Vercel did not save GOTO_CLIENT_ID (ENV_CONFLICT "A variable with the name',
  );
  expect((error as VercelSyncError).message).toContain('delete it under Project → Settings → Environment Variables');
});

test('stops before the redeploy when Vercel refused a variable inside a 201 answer', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await refuseClientIdOnce(emulator, setup);

  await vercelSync(setup.env, fast).catch(() => undefined);

  expect((await emulator.vercelRequests(setup.project.projectId)).map((request) => request.route)).toEqual(['env']);
});

test('retries an upsert Vercel rate-limited (429) after its Retry-After, then saves the variables', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
    body: JSON.stringify({ error: { code: 'rate_limited', message: 'Rate limit exceeded' } }),
  });

  const result = await vercelSync(setup.env, fast);

  expect(result.status).toBe('synced');
  const upserts = valueUpserts(await emulator.vercelRequests(setup.project.projectId));
  expect(
    upserts.map((request) => (request.json as SentVariable[])[0]?.target.join()),
    'production sent twice, then preview',
  ).toEqual(['production', 'production', 'preview']);
});

test('a Vercel that cannot be reached fails naming the step, the address and VERCEL_API_BASE_URL, with the env file as it was', async ({
  emulator,
  vercelSync,
}) => {
  const port = await closedPort();
  const setup = await vercelSandbox(emulator, {}, { VERCEL_API_BASE_URL: `http://127.0.0.1:${port}` });
  const bytesBefore = await readFile(setup.envFile);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_NETWORK');
  expect((error as VercelSyncError).message).toContain(
    'Step "save the GoTo values as Vercel environment variables (production)" failed after 3 attempts: ' +
      `POST http://127.0.0.1:${port}/v10/projects/${setup.project.projectId}/env could not connect (ECONNREFUSED`,
  );
  expect((error as VercelSyncError).message).toContain(
    'check the host and port in VERCEL_API_BASE_URL and that the server there is running',
  );
  expect((error as VercelSyncError).message).toContain('The env file was not changed. Running the sync again is safe.');
  expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});

test('a Vercel answer whose body is not what Vercel documents fails naming the step, Vercel and VERCEL_API_BASE_URL, with nothing of GoTo in it', async ({
  emulator,
  vercelSync,
}) => {
  const setup = await vercelSandbox(emulator);
  await emulator.addVercelFault(setup.project.projectId, {
    route: 'env',
    status: 201,
    headers: { 'content-type': 'text/html' },
    body: '<html>Sign in to your proxy</html>',
  });
  const bytesBefore = await readFile(setup.envFile);

  const error = await vercelSync(setup.env, fast).catch((caught: unknown) => caught);

  expect((error as VercelSyncError).code).toBe('VERCEL_RESPONSE');
  const message = (error as VercelSyncError).message;
  expect(message).toContain(
    'Step "save the GoTo values as Vercel environment variables (production)" failed: POST /v10/projects/',
  );
  expect(message).toContain(
    'but the body is not what Vercel documents:\nthe body is not JSON (content-type text/html)',
  );
  expect(message).toContain(
    'What to do: check that VERCEL_API_BASE_URL points at Vercel, not at a proxy or a login page.',
  );
  expect(message.slice(message.indexOf('What to do:')), 'the advice is Vercel’s, not GoTo’s').not.toMatch(/GOTO_|GoTo/);
  expect((await readFile(setup.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
});
