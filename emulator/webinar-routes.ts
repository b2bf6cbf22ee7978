import {
  badRequest,
  g2wAccess,
  halPageReply,
  keyedReply,
  organizerAccess,
  organizerOf,
  parseInteger,
  webinarListReply,
} from './api-routes';
import { answeredAttendance, answeredForm, inListOrder } from './account-answers';
import type { AccountAnswers, WebinarRoute } from './control-types';
import { jsonReply, type Incoming, type Reply } from './http-io';
import { INT64_MAX } from './ids';
import { int64Digits, parseExactJson } from './key-json';
import type { EmulatorState } from './state';
import type { Tenant } from './tenant';
import { STANDARD_FIELDS, type Registration, type WebinarBook } from './webinar-book';
import type { Webinar } from './webinar-data';
import {
  attendee,
  registrant,
  registrantDetailed,
  reportingSession,
  sessionPerformance,
  webinarByKey,
} from './webinar-views';

/**
 * The GoTo Webinar v2 operations beyond the organizer's webinar list (emulator/api-routes.ts),
 * as GoTo's OpenAPI describes them (docs/goto-webinar-v2-openapi.yml): one webinar, its
 * sessions, attendees and performance, its registrants (listed in both paging styles,
 * created, read and deleted) and its registration form; and the account's webinars.
 * Errors as docs/goto-facts.md §5e: 403 InvalidToken or AccessDenied, 400 for bad input,
 * 404 for an unknown key, 409 from createRegistrant; the 400/404/409 bodies are
 * `{errorCode, description, incident}`, whose codes GoTo does not document (the emulator's own).
 * Every answer writes the keys the OpenAPI types `int64` as the client's `keyFormat` says
 * (`keyedReply`, emulator/key-json.ts).
 */

export const WEBINAR_ROUTES: readonly WebinarRoute[] = [
  'account-webinars',
  'webinar',
  'sessions',
  'session',
  'session-attendees',
  'session-performance',
  'webinar-attendees',
  'registrants',
  'registrant',
  'registration-fields',
];

type Params = {
  organizerKey?: string;
  accountKey?: string;
  webinarKey?: string;
  sessionKey?: string;
  registrantKey?: string;
};
type Match = { route: WebinarRoute; params: Params };

const G2W = '/G2W/rest/v2';
const WEBINAR = String.raw`/organizers/([^/]+)/webinars/([^/]+)`;

/** Most specific first: `registrants/fields` before `registrants/{registrantKey}`. */
const table: { route: WebinarRoute; pattern: RegExp; names: (keyof Params)[]; methods: string[] }[] = [
  { route: 'account-webinars', pattern: /^\/accounts\/([^/]+)\/webinars$/, names: ['accountKey'], methods: ['GET'] },
  {
    route: 'registration-fields',
    pattern: re(`${WEBINAR}/registrants/fields`),
    names: ['organizerKey', 'webinarKey'],
    methods: ['GET'],
  },
  {
    route: 'registrant',
    pattern: re(`${WEBINAR}/registrants/([^/]+)`),
    names: ['organizerKey', 'webinarKey', 'registrantKey'],
    methods: ['GET', 'DELETE'],
  },
  {
    route: 'registrants',
    pattern: re(`${WEBINAR}/registrants`),
    names: ['organizerKey', 'webinarKey'],
    methods: ['GET', 'POST'],
  },
  {
    route: 'session-attendees',
    pattern: re(`${WEBINAR}/sessions/([^/]+)/attendees`),
    names: ['organizerKey', 'webinarKey', 'sessionKey'],
    methods: ['GET'],
  },
  {
    route: 'session-performance',
    pattern: re(`${WEBINAR}/sessions/([^/]+)/performance`),
    names: ['organizerKey', 'webinarKey', 'sessionKey'],
    methods: ['GET'],
  },
  {
    route: 'session',
    pattern: re(`${WEBINAR}/sessions/([^/]+)`),
    names: ['organizerKey', 'webinarKey', 'sessionKey'],
    methods: ['GET'],
  },
  { route: 'sessions', pattern: re(`${WEBINAR}/sessions`), names: ['organizerKey', 'webinarKey'], methods: ['GET'] },
  {
    route: 'webinar-attendees',
    pattern: re(`${WEBINAR}/attendees`),
    names: ['organizerKey', 'webinarKey'],
    methods: ['GET'],
  },
  { route: 'webinar', pattern: re(WEBINAR), names: ['organizerKey', 'webinarKey'], methods: ['GET'] },
];

function re(path: string): RegExp {
  return new RegExp(`^${path}/?$`);
}

/** The route of a G2W path (other than the organizer's webinar list), with its path parameters decoded. */
export function matchWebinarRoute(path: string): Match | undefined {
  if (!path.startsWith(`${G2W}/`)) return undefined;
  const rest = path.slice(G2W.length);
  for (const { route, pattern, names } of table) {
    const found = pattern.exec(rest);
    if (!found) continue;
    const params: Params = {};
    names.forEach((name, i) => (params[name] = safeDecode(found[i + 1] ?? '')));
    return { route, params };
  }
  return undefined;
}

export function handleWebinarRoute(incoming: Incoming, state: EmulatorState, match: Match): Reply {
  const refused = methodNotAllowed(incoming, match);
  if (refused) return refused;
  const { params } = match;
  if (match.route === 'account-webinars') return accountWebinars(incoming, state, params.accountKey ?? '');
  const opened = openCall(incoming, state, params);
  if ('reply' in opened) return opened.reply;
  return answerWebinarCall(opened.call, match.route, params);
}

/** GoTo's 405 for a method the route does not take, with `Allow` (RFC 9110 §15.5.6). */
function methodNotAllowed(incoming: Incoming, match: Match): Reply | undefined {
  const allowed = table.find((entry) => entry.route === match.route)?.methods ?? [];
  if (allowed.includes(incoming.method)) return undefined;
  return jsonReply(
    405,
    { errorCode: 'MethodNotAllowed', description: `Use ${allowed.join(' or ')}` },
    { allow: allowed.join(', ') },
  );
}

/** The organizer's access and the webinar a call is about, or the answer that refuses it. */
function openCall(incoming: Incoming, state: EmulatorState, params: Params): { call: Call } | { reply: Reply } {
  const access = organizerAccess(incoming, state, params.organizerKey ?? '');
  if (!access.ok) return { reply: access.reply };
  const found = webinarOf(access.tenant, params.webinarKey ?? '');
  if ('reply' in found) return { reply: found.reply };
  const { tenant } = access;
  return { call: { incoming, tenant, book: tenant.book, webinar: found.webinar, now: tenant.now() } };
}

/** The answer of each route about one webinar. */
function answerWebinarCall(call: Call, route: Exclude<WebinarRoute, 'account-webinars'>, params: Params): Reply {
  const { incoming, webinar } = call;
  switch (route) {
    case 'webinar':
      return keyedReply(call.tenant, webinarByKey(call.book, webinar, organizerOf(call.tenant), call.now));
    case 'sessions':
      return halPageReply(
        incoming,
        'sessionInfoResources',
        call.book
          .pastSessions(webinar, call.now)
          .map((s) => reportingSession(call.book, webinar, s, organizerOf(call.tenant))),
        call.tenant,
      );
    case 'session':
    case 'session-attendees':
      return withSession(call, params.sessionKey ?? '', (session) =>
        keyedReply(call.tenant, listed(call, call.book.attendees(webinar, session).map(attendee))),
      );
    case 'session-performance':
      return withSession(call, params.sessionKey ?? '', (session) => {
        const performance = sessionPerformance(call.book, webinar, session);
        const attendance = answeredAttendance(performance.attendance, answers(call));
        return keyedReply(call.tenant, { ...performance, attendance });
      });
    case 'webinar-attendees':
      return halPageReply(
        incoming,
        'attendeeParticipationResponses',
        call.book.pastSessions(webinar, call.now).flatMap((s) => call.book.attendees(webinar, s).map(attendee)),
        call.tenant,
      );
    case 'registration-fields':
      return keyedReply(call.tenant, answeredForm(call.book.form(webinar), answers(call), webinar.webinarKey));
    case 'registrants':
      return incoming.method === 'POST' ? createRegistrant(call) : listRegistrants(call);
    case 'registrant':
      return withRegistrant(call, params.registrantKey ?? '');
  }
}

type Call = { incoming: Incoming; tenant: Tenant; book: WebinarBook; webinar: Webinar; now: number };

function answers(call: Call): AccountAnswers {
  return call.tenant.settings.accountAnswers;
}

/** A plain array answer, in the order the client's account answers ask for. */
function listed<T>(call: Call, items: readonly T[]): T[] {
  return inListOrder(items, answers(call));
}

/**
 * getAllAccountWebinars: the account's webinars are its user's, and when the user co-organizes
 * (`accountAnswers.coOrganized`) the other organizer's of the account too.
 */
function accountWebinars(incoming: Incoming, state: EmulatorState, accountKey: string): Reply {
  const access = g2wAccess(incoming, state);
  if (!access.ok) return access.reply;
  if (!isKey(accountKey)) return badKey('accountKey');
  if (accountKey !== access.tenant.client.user.accountKey) {
    return jsonReply(403, { int_err_code: 'AccessDenied', msg: 'The access token does not belong to this account' });
  }
  return webinarListReply(incoming, access.tenant.listedWebinars(), access.tenant);
}

/** The OpenAPI declares every key `integer int64`: anything but digits is a bad request. */
function isKey(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}

function badKey(name: string): Reply {
  return badRequest('InvalidRequest', `Parameter '${name}' must be an integer key`);
}

function notFound(what: string, key: string): Reply {
  return badRequest('NotFound', `${what} with key ${key} was not found`, 404);
}

function webinarOf(tenant: Tenant, webinarKey: string): { webinar: Webinar } | { reply: Reply } {
  if (!isKey(webinarKey)) return { reply: badKey('webinarKey') };
  const webinar = tenant.book.webinar(webinarKey);
  return webinar ? { webinar } : { reply: notFound('Webinar', webinarKey) };
}

/** A past session of the webinar; one that has not ended yet has no attendance to report, so it is not found. */
function withSession(
  call: Call,
  sessionKey: string,
  answer: (session: NonNullable<ReturnType<WebinarBook['pastSession']>>) => Reply,
): Reply {
  if (!isKey(sessionKey)) return badKey('sessionKey');
  const session = call.book.pastSession(call.webinar, sessionKey, call.now);
  return session ? answer(session) : notFound('Session', sessionKey);
}

/**
 * getAllRegistrantsForWebinar: "When you pass the page or limit parameter the response will
 * follow RegistrantPaginatedResponse schema but without these params response will be in
 * RegistrantArray schema as before" (the OpenAPI). `page` is 0-based, `limit` at most 200.
 */
function listRegistrants(call: Call): Reply {
  const all = listed(call, call.book.registrants(call.webinar).map(registrant));
  const q = call.incoming.query.values;
  if (q.page === undefined && q.limit === undefined) return keyedReply(call.tenant, all);
  const page = parseInteger(q.page, 0);
  const limit = parseInteger(q.limit, 20);
  if (page === undefined) return badRequest('InvalidRequest', "Parameter 'page' must be an integer of 0 or more");
  if (limit === undefined || limit < 1 || limit > 200)
    return badRequest('InvalidRequest', "Parameter 'limit' must be an integer from 1 to 200");
  const data = all.slice(page * limit, page * limit + limit);
  return keyedReply(call.tenant, { data, total: all.length, page, limit, pageSize: data.length });
}

function withRegistrant(call: Call, registrantKey: string): Reply {
  if (!isKey(registrantKey)) return badKey('registrantKey');
  const found = call.book.registrant(call.webinar, registrantKey);
  if (!found) return notFound('Registrant', registrantKey);
  if (call.incoming.method === 'GET')
    return keyedReply(call.tenant, registrantDetailed(call.book, call.webinar, found));
  // deleteRegistrant: "The webinar must be a scheduled, future webinar."
  if (call.book.isOver(call.webinar, call.now))
    return badRequest('InvalidRequest', 'Registrants can be deleted from scheduled, future webinars only');
  call.book.remove(call.webinar, registrantKey);
  return { status: 204 };
}

const BASIC_ACCEPT = 'application/vnd.citrix.g2wapi-v1.1+json';

/**
 * createRegistrant. `Accept: application/vnd.citrix.g2wapi-v1.1+json` takes firstName,
 * lastName and email only and "won't work" for a form with more required fields;
 * `application/json` takes every field and custom answer, and needs each required one
 * (the OpenAPI's description). An email registered already is 409 "The user is already
 * registered", unless `resendConfirmation=true` asks to re-register it: then the existing
 * registration is answered, as 201.
 */
function createRegistrant(call: Call): Reply {
  const { incoming, book, webinar } = call;
  if (!/^application\/json\b/i.test(incoming.headers['content-type'] ?? ''))
    return badRequest('InvalidRequest', 'The body must be JSON (content-type: application/json)', 415);
  let body: unknown;
  try {
    body = parseExactJson(incoming.rawBody);
  } catch {
    return badRequest('InvalidRequest', 'The body is not valid JSON');
  }
  const basic = (incoming.headers.accept ?? '').toLowerCase().includes(BASIC_ACCEPT);
  const read = readRegistration(body, book, webinar, basic);
  if ('problem' in read) return badRequest('InvalidRequest', read.problem);
  const existing = book.registrantByEmail(webinar, read.registration.email);
  if (existing) {
    if (incoming.query.values.resendConfirmation === 'true')
      return keyedReply(
        call.tenant,
        { registrantKey: existing.registrantKey, joinUrl: existing.joinUrl },
        { status: 201 },
      );
    return badRequest('DuplicateRegistrant', 'The user is already registered', 409);
  }
  const created = book.register(webinar, read.registration, call.now);
  return keyedReply(call.tenant, { registrantKey: created.registrantKey, joinUrl: created.joinUrl }, { status: 201 });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAMES = ['firstName', 'lastName', 'email'];

function readRegistration(
  body: unknown,
  book: WebinarBook,
  webinar: Webinar,
  basic: boolean,
): { registration: Registration } | { problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { problem: 'The body must be an object' };
  const fields = body as Record<string, unknown>;
  const form = book.form(webinar);
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name].trim() : '');
  const problem = namesProblem(text);
  if (problem) return { problem };
  const details = basic ? {} : readDetails(text, form);
  const fieldsProblem = formFieldsProblem(form, text, details, basic);
  if (fieldsProblem) return { problem: fieldsProblem };
  const responses = basic ? [] : readResponses(fields.responses);
  if (typeof responses === 'string') return { problem: responses };
  const questionsProblem = formQuestionsProblem(form, responses, basic);
  if (questionsProblem) return { problem: questionsProblem };
  const [firstName, lastName, email] = NAMES.map(text) as [string, string, string];
  return { registration: { firstName, lastName, email, details, responses } };
}

type FieldText = (name: string) => string;
type RegistrationForm = ReturnType<WebinarBook['form']>;

/** The names and the email every registration needs, whatever the form. */
function namesProblem(text: FieldText): string | undefined {
  for (const name of NAMES) if (text(name) === '') return `Field '${name}' is required`;
  if (!EMAIL.test(text('email'))) return "Field 'email' is not an email address";
  return undefined;
}

/** The standard fields, and any other the form asks for (GoTo may add fields to its forms). */
function readDetails(text: FieldText, form: RegistrationForm): Record<string, string> {
  const details: Record<string, string> = {};
  for (const name of [...STANDARD_FIELDS, ...form.fields.map((field) => field.field)]) {
    if (NAMES.includes(name) || text(name) === '') continue;
    details[name] = text(name);
  }
  return details;
}

/** The first of the form's fields the registration leaves out or fills wrongly. */
function formFieldsProblem(
  form: RegistrationForm,
  text: FieldText,
  details: Record<string, string>,
  basic: boolean,
): string | undefined {
  for (const field of form.fields) {
    const value = NAMES.includes(field.field) ? text(field.field) : details[field.field];
    if (field.required && !value)
      return basic
        ? `This webinar's form requires '${field.field}': register with Accept: application/json`
        : `Field '${field.field}' is required`;
    if (value && value.length > field.maxSize) return `Field '${field.field}' is longer than ${field.maxSize}`;
    if (value && field.answers && !field.answers.includes(value))
      return `Field '${field.field}' must be one of ${field.answers.join(', ')}`;
  }
  return undefined;
}

/** The first of the form's questions the registration leaves unanswered or answers wrongly. */
function formQuestionsProblem(
  form: RegistrationForm,
  responses: Registration['responses'],
  basic: boolean,
): string | undefined {
  for (const question of form.questions) {
    const response = responses.find((r) => r.questionKey === question.questionKey);
    if (question.required && !response)
      return basic
        ? `This webinar's form asks '${question.question}': register with Accept: application/json`
        : `Question ${question.questionKey} ('${question.question}') must be answered`;
    if (!response) continue;
    if (question.type === 'multipleChoice' && !question.answers?.some((a) => a.answerKey === response.answerKey))
      return `Question ${question.questionKey} takes the answerKey of one of its answers`;
    if (question.type === 'shortAnswer' && !response.responseText)
      return `Question ${question.questionKey} takes a responseText`;
  }
  return undefined;
}

/**
 * `responses` (OpenAPI `RegistrantQAResponse`), whose `questionKey` and `answerKey` are
 * `integer, format: int64`: a typed API takes a JSON integer up to 2^63 − 1 there, and
 * refuses a string, even of digits, as it refuses any value of the wrong type.
 */
function readResponses(value: unknown): Registration['responses'] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return "Field 'responses' must be an array";
  const read: Registration['responses'] = [];
  for (const [n, item] of (value as unknown[]).entries()) {
    const entry = (item ?? {}) as Record<string, unknown>;
    const questionKey = int64Digits(entry.questionKey);
    if (questionKey === undefined) return notInt64(`responses[${n}].questionKey`, entry.questionKey);
    const answerKey = int64Digits(entry.answerKey);
    if (entry.answerKey !== undefined && answerKey === undefined)
      return notInt64(`responses[${n}].answerKey`, entry.answerKey);
    read.push({
      questionKey,
      ...(typeof entry.responseText === 'string' ? { responseText: entry.responseText } : {}),
      ...(answerKey === undefined ? {} : { answerKey }),
    });
  }
  return read;
}

function notInt64(name: string, value: unknown): string {
  if (value === undefined) return `Field '${name}' is required`;
  return typeof value === 'string'
    ? `Field '${name}' must be an integer (int64), not a string`
    : `Field '${name}' must be an integer from 0 to ${INT64_MAX} (int64)`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
