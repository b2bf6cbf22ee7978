import { readFile } from 'node:fs/promises';
import { expect, ApiStatusError, ApiBodyError, test } from './fixtures';
import { refreshStep, withTokens, secretsIn, expectNoSecret, json, type Fault } from './helpers/goto-failure-setup';
import { markRequests } from './helpers/received-since';

/*
 * Every way GoTo (or the network to it) can fail a step, each against a sandbox: a 200 whose body
 * is not GoTo's token response: the request worked, the data did not, so it is not sent again and
 * nothing is written.
 */

/**
 * A 200 whose body is not GoTo's token response: the request worked, the data did not (not
 * retried, nothing written). Every other such body (HTML, empty, cut off, …) is a row of
 * process-response.spec.ts; this one proves the wiring end to end.
 */
const badSuccessBodies: Array<{
  title: string;
  fault: Omit<Fault, 'route' | 'status'>;
  problem: string | RegExp;
  secret?: string;
}> = [
  {
    title: 'a 200 without access_token is a schema error naming "access_token" and no value',
    fault: json({ refresh_token: 'rt-schema-case-secret-value', expires_in: 3600, token_type: 'Bearer' }),
    problem: /expected string, received undefined\s+→ at access_token/,
    secret: 'rt-schema-case-secret-value',
  },
];

for (const bad of badSuccessBodies) {
  test(bad.title, async ({ sandbox, emulator }) => {
    await withTokens(sandbox, emulator);
    await emulator.addFault(sandbox.client.clientId, { route: 'token', status: 200, ...bad.fault });
    const bytesBefore = await readFile(sandbox.envFile);
    const secrets = secretsIn(sandbox, bad.secret);
    const mark = await markRequests(emulator, sandbox.client.clientId);

    const error = await sandbox.chain.refresh().catch((caught: unknown) => caught);

    expect(error, 'the request succeeded; the body is what failed').toBeInstanceOf(ApiBodyError);
    expect(error).not.toBeInstanceOf(ApiStatusError);
    const { code, status, message } = error as ApiBodyError;
    expect(code).toBe('API_BODY');
    expect(status).toBe(200);
    expect(message).toContain(
      `Step "${refreshStep}" failed: POST /oauth/token answered HTTP 200, but the body is not what GoTo documents:`,
    );
    if (typeof bad.problem === 'string') expect(message).toContain(bad.problem);
    else expect(message).toMatch(bad.problem);
    expect(message).toMatch(/\nWhat to do: check that GOTO_AUTH_BASE_URL points at GoTo, not at a proxy/);
    expectNoSecret(message, secrets);
    expect((await readFile(sandbox.envFile)).equals(bytesBefore), 'the env file is byte-identical').toBe(true);
    expect(await mark.received('token'), 'sent once').toHaveLength(1);
  });
}
