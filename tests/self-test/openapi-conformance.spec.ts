import * as z from 'zod';
import {
  createRegistrantOperation,
  createRegistrantRequest,
  deleteRegistrantOperation,
  deleteRegistrantRequest,
  getAllAccountWebinarsOperation,
  getAllRegistrantsForWebinarOperation,
  getAllSessionsOperation,
  getAttendeesForAllWebinarSessionsOperation,
  getAttendeesOperation,
  getPerformanceOperation,
  getRegistrantOperation,
  getRegistrantRequest,
  getRegistrationFieldsOperation,
  getRegistrationFieldsRequest,
  getSessionPerformanceRequest,
  getSessionRequest,
  getWebinarOperation,
  getWebinarRequest,
  getWebinarSessionOperation,
  getWebinarsOperation,
  listAccountWebinarsRequest,
  listRegistrantsRequest,
  listSessionAttendeesRequest,
  listSessionsRequest,
  listWebinarAttendeesRequest,
  listWebinarsRequest,
  registrantFieldsSchema,
  webinarApiBasePath,
  type PreparedRequest,
  type WebinarOperation,
} from '../../requests';
import { expect, test } from './fixtures';
import { INT64_KEYS } from '../../emulator/key-json';
import {
  int64Names,
  operationAt,
  operationIds,
  parametersOf,
  requestBodySchema,
  responseSchema,
  undocumentedInSchema,
  type SpecSchema,
} from './helpers/openapi';

/*
 * The request definitions are written by hand (docs/webinar-calls.md, "The GoTo Webinar calls"), so this
 * holds them to GoTo's OpenAPI (docs/goto-webinar-v2-openapi.yml): each one's operationId,
 * method and path template are the spec's, it sends only documented path and query
 * parameters, expects a documented success status, and every field its schemas name is a
 * documented property of that operation's body. Where our schemas are laxer than the spec's
 * `required` lists (GoTo's own examples leave fields out), that is on purpose and not checked.
 */

const base = {
  apiBaseUrl: 'https://api.getgo.com',
  accessToken: 'token-value',
  organizerKey: '8439885694023999999',
  webinarKey: '4255157664015486220',
};
const range = {
  fromTime: new Date('2026-11-01T10:00:00Z'),
  toTime: new Date('2026-12-01T10:00:00Z'),
  page: 1,
  size: 50,
};

/** Each definition with every optional input set, so every parameter it can send is sent. */
const definitions: { operation: WebinarOperation; requests: PreparedRequest[] }[] = [
  { operation: getWebinarsOperation, requests: [listWebinarsRequest({ ...base, ...range })] },
  {
    operation: getAllAccountWebinarsOperation,
    requests: [listAccountWebinarsRequest({ ...base, accountKey: '9999982253621659654', ...range })],
  },
  { operation: getWebinarOperation, requests: [getWebinarRequest(base)] },
  { operation: getAllSessionsOperation, requests: [listSessionsRequest({ ...base, page: 0, size: 20 })] },
  { operation: getWebinarSessionOperation, requests: [getSessionRequest({ ...base, sessionKey: '123' })] },
  { operation: getAttendeesOperation, requests: [listSessionAttendeesRequest({ ...base, sessionKey: '123' })] },
  { operation: getPerformanceOperation, requests: [getSessionPerformanceRequest({ ...base, sessionKey: '123' })] },
  {
    operation: getAttendeesForAllWebinarSessionsOperation,
    requests: [listWebinarAttendeesRequest({ ...base, page: 0, size: 20 })],
  },
  {
    operation: getAllRegistrantsForWebinarOperation,
    // Both styles of its oneOf: the plain array, and the page that `page`/`limit` ask for.
    requests: [listRegistrantsRequest(base), listRegistrantsRequest({ ...base, page: 0, limit: 20 })],
  },
  { operation: getRegistrantOperation, requests: [getRegistrantRequest({ ...base, registrantKey: '77' })] },
  { operation: getRegistrationFieldsOperation, requests: [getRegistrationFieldsRequest(base)] },
  {
    operation: createRegistrantOperation,
    requests: [
      createRegistrantRequest({
        ...base,
        registrant: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        resendConfirmation: true,
      }),
    ],
  },
  { operation: deleteRegistrantOperation, requests: [deleteRegistrantRequest({ ...base, registrantKey: '77' })] },
];

/** Our zod schema as JSON Schema, on its input side (keys are `string | number` there, before the transform). */
function asJsonSchema(schema: z.ZodType): SpecSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SpecSchema;
}

test('every operation the issue names has a definition, and no operation has two', () => {
  const named = definitions.map(({ operation }) => operation.operationId);
  expect(new Set(named).size, 'one definition per operation').toBe(named.length);
  expect(named.sort()).toEqual(
    [
      'createRegistrant',
      'deleteRegistrant',
      'getAllAccountWebinars',
      'getAllRegistrantsForWebinar',
      'getAllSessions',
      'getAttendees',
      'getAttendeesForAllWebinarSessions',
      'getPerformance',
      'getRegistrant',
      'getRegistrationFields',
      'getWebinar',
      'getWebinarSession',
      'getWebinars',
    ].sort(),
  );
  for (const id of named) expect(operationIds(), `${id} is an operationId of GoTo's OpenAPI`).toContain(id);
});

for (const { operation, requests } of definitions) {
  test.describe(operation.operationId, () => {
    const spec = operationAt(operation.method, operation.path);

    test(`is ${operation.method} ${operation.path} in GoTo's OpenAPI, under that operationId`, () => {
      expect(spec?.operationId).toBe(operation.operationId);
    });

    test('sends the method, path and only the path and query parameters the OpenAPI documents', () => {
      expect(spec).toBeDefined();
      if (!spec) return;
      expect([...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), 'path parameters').toEqual(
        parametersOf(spec, 'path').sort(),
      );
      for (const request of requests) {
        expect(request.method).toBe(operation.method);
        expect(request.url.pathname.startsWith(webinarApiBasePath), 'under /G2W/rest/v2').toBe(true);
        const path = request.url.pathname.slice(webinarApiBasePath.length);
        expect(path, 'the template, filled in').toMatch(new RegExp(`^${operation.path.replace(/\{\w+\}/g, '[^/]+')}$`));
        const documented = parametersOf(spec, 'query');
        expect(
          [...request.url.searchParams.keys()].filter((name) => !documented.includes(name)),
          'undocumented query parameters',
        ).toEqual([]);
      }
    });

    test('expects a success status the OpenAPI documents, and every field its success schema names is documented there', () => {
      expect(spec).toBeDefined();
      if (!spec) return;
      for (const request of requests) {
        expect(Object.keys(spec.responses), 'a documented status').toContain(String(request.successStatus));
        const theirs = responseSchema(spec, request.successStatus);
        if (theirs === undefined) {
          expect(request.success.safeParse(undefined).success, 'no body documented, none expected').toBe(true);
          continue;
        }
        expect(undocumentedInSchema(asJsonSchema(request.success), theirs), 'fields not in the OpenAPI').toEqual([]);
      }
    });
  });
}

test('createRegistrant sends a body whose every field is a property of the OpenAPI’s RegistrantFields', () => {
  const spec = operationAt(createRegistrantOperation.method, createRegistrantOperation.path);
  const theirs = spec && requestBodySchema(spec);
  expect(theirs).toBeDefined();
  if (!theirs) return;

  expect(undocumentedInSchema(asJsonSchema(registrantFieldsSchema), theirs)).toEqual([]);
});

test('the check finds a field the OpenAPI does not document', () => {
  const spec = operationAt(getWebinarOperation.method, getWebinarOperation.path);
  const theirs = spec && responseSchema(spec, 200);
  expect(theirs).toBeDefined();
  if (!theirs) return;

  const invented = z.looseObject({ webinarKey: z.string(), times: z.array(z.object({ startsAt: z.string() })) });
  expect(undocumentedInSchema(asJsonSchema(invented), theirs)).toEqual(['times[].startsAt']);
});

test('the emulator’s list of int64 keys holds every key the OpenAPI types int64, as a property or a parameter, and nothing else', () => {
  // A key is named …Key or …Id; `attendanceTimeInSeconds` is an int64 too, and no key.
  const keys = [...int64Names()].filter(([name]) => /(Key|Id)$/.test(name));
  const where = Object.fromEntries(keys);

  expect(
    keys.map(([name]) => name).filter((name) => !INT64_KEYS.has(name)),
    'int64 keys the emulator would write as strings whatever its keyFormat',
  ).toEqual([]);
  expect(
    [...INT64_KEYS].filter((name) => !(name in where)),
    'names the OpenAPI types int64 nowhere',
  ).toEqual([]);
  expect(where.questionKey, 'found in the request body of createRegistrant too').toContain(
    'RegistrantQAResponse.questionKey',
  );
  expect(where.accountKey, 'found among the path parameters').toContain('path parameter accountKey');
});
