import { expect, readEnvValues, test, type EmulatorControl, type Sandbox } from '../../fixtures';
import { readResponseBody } from '../../lib/http/response-body';
import { runCollection } from './helpers/run-collection';

/*
 * GoTo's answers as they may vary from what its OpenAPI shows: keys as bare 19-digit JSON
 * numbers, times in other ISO 8601 spellings, fields and values it does not list. Each is
 * taken; a field the collection depends on still fails the step, naming the field.
 */

/** The sandbox as after a first run: tokens in the env file. */
async function withTokens(sandbox: Sandbox, emulator: EmulatorControl) {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
}

test('reads a 19-digit JSON number digit for digit, and every other number as a plain number', () => {
  const body = readResponseBody(
    '{"webinarKey":8439885694023999999,"page":{"size":20,"totalPages":3},"ratio":0.25,"safe":9007199254740991}',
    'application/json',
  );

  expect(body.json.ok).toBe(true);
  const value = (body.json.ok ? body.json.value : {}) as Record<string, unknown>;
  expect(String(value.webinarKey), 'the key keeps every digit').toBe('8439885694023999999');
  expect(value.page, 'paging numbers stay numbers').toEqual({ size: 20, totalPages: 3 });
  expect(value.ratio).toBe(0.25);
  expect(value.safe, 'an integer that is still exact stays a number').toBe(9007199254740991);
});

test('keeps a repeated name’s last value, as JSON.parse does', () => {
  const body = readResponseBody('{"status":"NEW","status":"UPDATED"}', 'application/json');

  expect(body.json).toEqual({ ok: true, value: { status: 'UPDATED' } });
});

test('an emulator client with keyFormat "number" is sent every key as a bare JSON number, digit for digit', async ({
  sandbox,
  emulator,
}) => {
  await emulator.updateClient(sandbox.client.clientId, { keyFormat: 'number' });
  await withTokens(sandbox, emulator);
  const headers = { authorization: `Bearer ${readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? ''}` };
  const { organizerKey, accountKey } = sandbox.client.user;
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const later = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const me = await (await fetch(`${emulator.baseUrl}/identity/v1/Users/me`, { headers })).text();
  const list = await (
    await fetch(
      `${emulator.baseUrl}/G2W/rest/v2/organizers/${organizerKey}/webinars?${new URLSearchParams({ fromTime: now, toTime: later })}`,
      { headers },
    )
  ).text();

  expect(me).toContain(`"id":${organizerKey},`);
  expect(me).toContain(`"value":${accountKey},`);
  expect(list).toContain(`"organizerKey":${organizerKey},"accountKey":${accountKey},`);
  expect(list).toMatch(/"webinarKey":\d{19},/);
  expect(list, 'no key is a string').not.toMatch(/"(webinarKey|organizerKey|accountKey)":"/);
  expect(list, 'a link that holds a key is still a string').toMatch(/"registrationUrl":"https:[^"]+\/\d{19}"/);
});

test('attaches a key that came as a bare JSON number as that same number, digit for digit', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await emulator.updateClient(sandbox.client.clientId, { keyFormat: 'number' });
  await withTokens(sandbox, emulator);

  const me = await sandbox.chain.usersMe();

  const { organizerKey } = sandbox.client.user;
  expect(me.id, 'the schema gives the key as a string').toBe(organizerKey);
  const attachment = testInfo.attachments.find((shown) => shown.name === 'GET /identity/v1/Users/me');
  const shown = attachment?.body?.toString('utf8') ?? '';
  expect(shown, 'the exchange shows the number GoTo sent, unquoted').toContain(`"id": ${organizerKey},`);
  expect(() => JSON.parse(shown) as unknown, 'the attachment is JSON').not.toThrow();
});

test('the daily chain on a server that sends keys as bare JSON numbers stores the organizer key digit for digit', async ({
  sandbox,
  emulator,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  await emulator.updateClient(sandbox.client.clientId, { keyFormat: 'number' });
  await withTokens(sandbox, emulator);

  const run = await runCollection(sandbox.env, ['--reporter=line', `--output=${testInfo.outputPath('run')}`]);

  expect(run.exitCode, run.output).toBe(0);
  const { organizerKey } = sandbox.client.user;
  expect(organizerKey, 'a key past Number.MAX_SAFE_INTEGER').toMatch(/^\d{19}$/);
  expect(readEnvValues(sandbox.envFile).GOTO_ORGANIZER_KEY).toBe(organizerKey);
  const listed = (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'webinars');
  expect(
    listed.map((request) => request.path),
    'the webinar list was asked for with the exact key',
  ).toEqual([`/G2W/rest/v2/organizers/${organizerKey}/webinars`]);
});
