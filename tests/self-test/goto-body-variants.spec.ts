import { expect, readEnvValues, test, ApiBodyError, type EmulatorControl, type Sandbox } from './fixtures';
import { INT64_KEYS } from '../../emulator/key-json';
import { LosslessNumber, parseLosslessJson } from '../../lib/http/lossless-json';
import { readResponseBody } from '../../lib/http/response-body';
import { webinarSchema, type RegistrationFields } from '../../requests';
import { runReported, testsOf } from './helpers/reported-run';
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
      `${emulator.baseUrl}/G2W/rest/v2/organizers/${organizerKey}/webinars?${new URLSearchParams({ fromTime: now, toTime: later }).toString()}`,
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
  expect(listed.length, 'the collection listed the webinars').toBeGreaterThan(0);
  expect(new Set(listed.map((request) => request.path)), 'every webinar list was asked for with the exact key').toEqual(
    new Set([`/G2W/rest/v2/organizers/${organizerKey}/webinars`]),
  );
});

/** Each `"name": value` of a JSON text whose name is an int64 key, with the value's text as sent. */
function keysIn(text: string): { name: string; value: string }[] {
  return [...text.matchAll(/"(\w+)":("?[^,}\]"]*"?)/g)]
    .filter(([, name]) => INT64_KEYS.has(name ?? ''))
    .map(([, name, value]) => ({ name: name ?? '', value: value ?? '' }));
}

test('an emulator client with keyFormat "number" writes every int64 key of every Webinar answer as a bare 19-digit number up to 2^63 − 1', async ({
  sandbox,
  emulator,
}) => {
  await emulator.updateClient(sandbox.client.clientId, {
    keyFormat: 'number',
    registrationForm: {
      questions: [{ question: 'Your role?', required: true, type: 'multipleChoice', answers: ['Dev'] }],
    },
  });
  await withTokens(sandbox, emulator);
  const headers = { authorization: `Bearer ${readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? ''}` };
  const { organizerKey, accountKey } = sandbox.client.user;
  const texts: string[] = [];
  const answer = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${emulator.baseUrl}/G2W/rest/v2${path}`, {
      ...init,
      headers: { ...headers, ...init.headers },
    });
    const text = await response.text();
    expect(response.ok, `${path} answers`).toBe(true);
    texts.push(text);
    return parseLosslessJson(text);
  };
  const now = Date.now();
  const range = new URLSearchParams({
    fromTime: new Date(now - 60 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    toTime: new Date(now + 60 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    size: '200',
  }).toString();
  type Listed = { webinarKey: unknown; times: { startTime: string; endTime: string }[] };
  const listed = (await answer(`/organizers/${organizerKey}/webinars?${range}`)) as {
    _embedded: { webinars: Listed[] };
  };
  await answer(`/accounts/${accountKey}/webinars?${range}`);
  const webinars = listed._embedded.webinars;
  const past = String(webinars.find((w) => w.times.every((t) => Date.parse(t.endTime) < now))?.webinarKey);
  const next = String(webinars.find((w) => w.times.every((t) => Date.parse(t.startTime) > now))?.webinarKey);
  const sessions = (await answer(`/organizers/${organizerKey}/webinars/${past}/sessions`)) as {
    _embedded: { sessionInfoResources: { sessionKey: unknown }[] };
  };
  const sessionKey = String(sessions._embedded.sessionInfoResources[0]?.sessionKey);
  for (const tail of ['', '/attendees', '/performance'])
    await answer(`/organizers/${organizerKey}/webinars/${past}/sessions/${sessionKey}${tail}`);
  await answer(`/organizers/${organizerKey}/webinars/${past}/attendees`);
  await answer(`/organizers/${organizerKey}/webinars/${next}`);
  const form = (await answer(`/organizers/${organizerKey}/webinars/${next}/registrants/fields`)) as {
    questions: { questionKey: LosslessNumber; required: boolean; answers?: { answerKey: LosslessNumber }[] }[];
  };
  // Every required question answered (the form may draw one of its own), keys as bare numbers.
  const responses = form.questions
    .filter((q) => q.required)
    .map((q) => `{"questionKey":${q.questionKey.value},"answerKey":${q.answers?.[0]?.answerKey.value}}`);
  await answer(`/organizers/${organizerKey}/webinars/${next}/registrants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"firstName":"Ada","lastName":"Lovelace","email":"ada.keys@example.com","organization":"X","responses":[${responses.join()}]}`,
  });
  const registrants = (await answer(`/organizers/${organizerKey}/webinars/${next}/registrants`)) as {
    registrantKey: unknown;
  }[];
  await answer(`/organizers/${organizerKey}/webinars/${next}/registrants?page=0&limit=5`);
  await answer(`/organizers/${organizerKey}/webinars/${next}/registrants/${String(registrants[0]?.registrantKey)}`);

  const keys = texts.flatMap(keysIn);
  expect(
    keys.filter(({ value }) => !/^\d{19}$/.test(value)),
    'keys that are no bare 19-digit number',
  ).toEqual([]);
  expect(
    keys.filter(({ value }) => BigInt(value) > 2n ** 63n - 1n),
    'keys past int64',
  ).toEqual([]);
  expect(new Set(keys.map(({ name }) => name)), 'every int64 key the emulated calls hold').toEqual(
    new Set(['webinarKey', 'organizerKey', 'accountKey', 'sessionKey', 'registrantKey', 'questionKey', 'answerKey']),
  );
});

test('a whole run, @write check included, on a server that writes every int64 key as a bare 19-digit number keeps each key exact and sends the form’s keys back as numbers', async ({
  sandbox,
  emulator,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const question = 'Which track will you join?';
  await emulator.updateClient(sandbox.client.clientId, {
    keyFormat: 'number',
    registrationForm: { questions: [{ question, required: true, type: 'multipleChoice', answers: ['API', 'Ops'] }] },
  });
  await withTokens(sandbox, emulator);

  // A --grep that names @write runs the write check against a GoTo-compatible server; `|` keeps every check.
  const { run, tests } = await runReported(sandbox.env, testInfo, ['--grep=@write|']);

  expect(run.exitCode, run.output).toBe(0);
  const checks = testsOf(tests, '30-webinar-checks.spec.ts');
  expect(checks.length, 'every Webinar check ran, @write included').toBeGreaterThan(7);
  expect(
    checks.filter((check) => check.status !== 'passed').map((check) => check.titlePath.join(' › ')),
    'none failed or was skipped: a key that lost a digit is a 404',
  ).toEqual([]);
  const received = await emulator.requests(sandbox.client.clientId);
  const routes = new Set(received.map((request) => `${request.method} ${request.route}`));
  for (const route of [
    'GET webinar',
    'GET sessions',
    'GET session-attendees',
    'GET session-performance',
    'GET webinar-attendees',
    'GET registration-fields',
    'GET registrants',
    'POST registrants',
    'GET registrant',
    'DELETE registrant',
  ])
    expect(routes, `${route} was called, with keys from earlier answers`).toContain(route);
  const post = received.find((request) => request.method === 'POST' && request.route === 'registrants');
  const sent = /"responses":\[(.*)\]/.exec(post?.rawBody ?? '')?.[1] ?? '';
  await emulator.updateClient(sandbox.client.clientId, { keyFormat: 'string' });
  const form = (await (
    await fetch(`${emulator.baseUrl}${post?.path ?? ''}/fields`, {
      headers: { authorization: `Bearer ${readEnvValues(sandbox.envFile).GOTO_ACCESS_TOKEN ?? ''}` },
    })
  ).json()) as RegistrationFields;
  const asked = form.questions.find((q) => q.question === question);
  expect(sent, 'the answer’s keys as bare numbers, digit for digit').toContain(
    `{"questionKey":${asked?.questionKey},"answerKey":${asked?.answers?.[0]?.answerKey}}`,
  );
  expect(asked?.questionKey, 'a 19-digit key').toMatch(/^\d{19}$/);
});

const webinar = { webinarKey: '8439885694023999999', subject: 'API office hours' };

const timeSpellings = [
  { spelling: 'Z', sent: '2026-12-01T10:00:00Z', given: '2026-12-01T10:00:00Z' },
  { spelling: '+0000', sent: '2026-12-01T10:00:00+0000', given: '2026-12-01T10:00:00Z' },
  { spelling: '+00:00', sent: '2026-12-01T10:00:00+00:00', given: '2026-12-01T10:00:00Z' },
  { spelling: 'Z with milliseconds', sent: '2026-12-01T10:00:00.250Z', given: '2026-12-01T10:00:00.250Z' },
  { spelling: '+0000 with milliseconds', sent: '2026-12-01T10:00:00.000+0000', given: '2026-12-01T10:00:00Z' },
  { spelling: 'another offset, -0500', sent: '2026-12-01T05:00:00-0500', given: '2026-12-01T10:00:00Z' },
] as const;

for (const { spelling, sent, given } of timeSpellings) {
  test(`takes a webinar time written with ${spelling} and gives it as UTC with Z`, () => {
    const parsed = webinarSchema.parse({ ...webinar, times: [{ startTime: sent, endTime: sent }] });

    expect(parsed.times).toEqual([{ startTime: given, endTime: given }]);
  });
}

test('takes a webinar time without a zone and gives it as it came', () => {
  const parsed = webinarSchema.parse({
    ...webinar,
    times: [{ startTime: '2026-12-01T10:00:00', endTime: '2026-12-01T11:00:00' }],
  });

  expect(parsed.times).toEqual([{ startTime: '2026-12-01T10:00:00', endTime: '2026-12-01T11:00:00' }]);
});

test('keeps fields GoTo does not document, on the webinar and on its times', () => {
  const parsed = webinarSchema.parse({
    ...webinar,
    inSession: false,
    omid: 'abc',
    times: [{ startTime: '2026-12-01T10:00:00Z', endTime: '2026-12-01T11:00:00Z', sessionKey: 77 }],
  });

  expect(parsed).toMatchObject({ inSession: false, omid: 'abc', times: [{ sessionKey: 77 }] });
});

test('keeps values outside GoTo’s documented lists as they came', () => {
  const parsed = webinarSchema.parse({
    ...webinar,
    locale: 'pt_BR',
    experienceType: 'CLASSIC',
    recurrenceType: 'weekly',
    approvalType: 'NONE',
  });

  expect(parsed).toMatchObject({
    locale: 'pt_BR',
    experienceType: 'CLASSIC',
    recurrenceType: 'weekly',
    approvalType: 'NONE',
  });
});

test('takes a webinar with nothing but its key', () => {
  expect(webinarSchema.parse({ webinarKey: '8439885694023999999' })).toEqual({ webinarKey: '8439885694023999999' });
});

test('a webinar list whose second webinar has no key fails the step, naming the field and no value', async ({
  sandbox,
  emulator,
}) => {
  await withTokens(sandbox, emulator);
  await sandbox.chain.usersMe();
  const listing = {
    _embedded: {
      webinars: [
        { ...webinar, organizerKey: sandbox.client.user.organizerKey },
        { subject: 'Keyless webinar subject', organizerKey: sandbox.client.user.organizerKey },
      ],
    },
    page: { size: 20, totalElements: 2, totalPages: 1, number: 0 },
  };
  await emulator.addFault(sandbox.client.clientId, {
    route: 'webinars',
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(listing),
  });

  const error = await sandbox.chain
    .listWebinars({ fromTime: new Date(), toTime: new Date(Date.now() + 86_400_000) })
    .catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(ApiBodyError);
  const { message, problem } = error as ApiBodyError;
  expect(problem).toMatch(/is missing\s+→ at _embedded\.webinars\[1\]\.webinarKey/);
  for (const value of [webinar.webinarKey, webinar.subject, 'Keyless webinar subject']) {
    expect(message, 'the message shows no value of the body').not.toContain(value);
  }
  expect(problem, 'nor the organizer key the body holds').not.toContain(sandbox.client.user.organizerKey);
  const listed = (await emulator.requests(sandbox.client.clientId)).filter((request) => request.route === 'webinars');
  expect(listed, 'sent once').toHaveLength(1);
});
