import { ApiBodyError, ApiStatusError, expect, test } from './fixtures';
import { processReceived, processResponse } from '../../lib/http/process-response';
import { receivedResponse } from '../../lib/http/response-body';
import * as definitions from '../../requests';
import { expectedRedaction } from './helpers/fingerprints';
import { now, type ResponseRows, type Row } from './helpers/response-rows/rows';
import { tokenEndpointRows } from './helpers/response-rows/token-endpoint';
import { usersMeRows } from './helpers/response-rows/users-me';
import { vercelRows } from './helpers/response-rows/vercel';
import { webinarApiRows } from './helpers/response-rows/webinar-api';

/*
 * Every body and status case of every request definition (requests/), each a row of a table
 * (helpers/response-rows/, one file per service): a canned `new Response(…)` fed to
 * processResponse (lib/http/process-response.ts), no server, as oauth4webapi tests its
 * process…Response functions. A row says what comes back (the typed body) or what is thrown
 * (the class, the status, the service's own words, the headline and the advice); no error may
 * show a secret of the request or a value of the body. Sending, retrying, recording the
 * exchange and custody keep their end-to-end tests (goto-failures-*.spec.ts,
 * api-advice.spec.ts, goto-body-variants.spec.ts, vercel-sync-*.spec.ts).
 */

const tables: ResponseRows[] = [tokenEndpointRows, usersMeRows, webinarApiRows, vercelRows];
const typedBodies = tables.flatMap((table) => table.typedBodies);
const statusErrors = tables.flatMap((table) => table.statusErrors);
const bodyErrors = tables.flatMap((table) => table.bodyErrors);

/** What processing the row's answer gives, or throws. */
async function outcomeOf({ request, answer, context }: Row): Promise<{ body: unknown } | { error: unknown }> {
  const { status, headers = {}, body, raw } = answer;
  const processed = raw
    ? Promise.resolve().then(() =>
        processReceived(request, receivedResponse(status, headers, body ?? ''), { now, ...context }),
      )
    : processResponse(request, new Response(body ?? null, { status, headers }), { now, ...context });
  return processed.then(
    (value: unknown) => ({ body: value }),
    (error: unknown) => ({ error }),
  );
}

function expectNoSecret(error: Error, row: Row): void {
  const shown = `${error.message}\n${JSON.stringify(error)}`;
  for (const secret of [...row.request.secrets, ...(row.notShown ?? [])]) {
    expect(shown.includes(secret), `the error shows nothing of ${expectedRedaction(secret)}`).toBe(false);
  }
}

for (const row of typedBodies) {
  test(`${row.definition}: ${row.title}`, async () => {
    expect(await outcomeOf(row)).toEqual({ body: row.body });
  });
}

for (const row of statusErrors) {
  test(`${row.definition}: ${row.title}`, async () => {
    const outcome = await outcomeOf(row);

    expect(outcome).toEqual({ error: expect.any(ApiStatusError) });
    const error = (outcome as { error: ApiStatusError }).error;
    const { expected } = row;
    expect(error.code).toBe('API_STATUS');
    expect(error.status).toBe(expected.status);
    expect(error.error, 'the service’s error code').toBe(expected.error);
    expect(error.description, 'the service’s description').toBe(expected.description);
    expect(error.headline).toBe(expected.headline);
    if (typeof expected.advice === 'string') expect(error.advice).toBe(expected.advice);
    else expect(error.advice).toMatch(expected.advice);
    expect(error.message, 'one pattern: the headline, then what to do').toBe(
      `${expected.headline}\nWhat to do: ${error.advice}`,
    );
    expect(error.retryAfterSeconds).toBe(expected.retryAfterSeconds);
    expect(error.bodyNote).toBe(expected.bodyNote);
    expect(error.attempts).toBe(row.context?.attempts ?? 1);
    expectNoSecret(error, row);
  });
}

for (const row of bodyErrors) {
  test(`${row.definition}: ${row.title}`, async () => {
    const outcome = await outcomeOf(row);

    expect(outcome, 'the request succeeded; the body is what failed').toEqual({ error: expect.any(ApiBodyError) });
    const error = (outcome as { error: ApiBodyError }).error;
    const { expected } = row;
    expect(error).not.toBeInstanceOf(ApiStatusError);
    expect(error.code).toBe('API_BODY');
    expect(error.status).toBe(expected.status);
    if (typeof expected.problem === 'string') expect(error.problem).toBe(expected.problem);
    else expect(error.problem).toMatch(expected.problem);
    expect(error.advice).toBe(expected.advice);
    expect(error.message, 'one pattern: what was sent and what came back, the problem, what to do').toBe(
      `${expected.says}\n${error.problem}\nWhat to do: ${expected.advice}`,
    );
    expectNoSecret(error, row);
  });
}

/** Builders of a family of requests, not requests of their own: each family's members have rows. */
const families = new Set(['apiGetRequest', 'apiRequest', 'webinarApiRequest', 'vercelApiRequest']);

test('every request definition in requests/ has a row with its success body and a row with an error status', () => {
  const defined = Object.entries(definitions)
    .filter(([name, value]) => name.endsWith('Request') && typeof value === 'function' && !families.has(name))
    .map(([name]) => name)
    .sort();

  expect(defined.length, 'requests/ defines requests').toBeGreaterThan(20);
  expect([...new Set(typedBodies.map((row) => row.definition))].sort(), 'a typed body of each').toEqual(defined);
  expect([...new Set(statusErrors.map((row) => row.definition))].sort(), 'an error status of each').toEqual(defined);
});
