import {
  createRegistrantRequest,
  deleteRegistrantRequest,
  getRegistrantRequest,
  getRegistrationFieldsRequest,
  getSessionPerformanceRequest,
  getSessionRequest,
  getWebinarRequest,
  listAccountWebinarsRequest,
  listRegistrantsRequest,
  listSessionAttendeesRequest,
  listSessionsRequest,
  listWebinarAttendeesRequest,
  listWebinarsRequest,
} from '../../../../requests';
import {
  gotoApiBodyAdvice,
  json,
  jsonText,
  jsonType,
  refreshAgain,
  type BodyErrorRow,
  type StatusErrorRow,
  type TypedBodyRow,
  type ResponseRows,
} from './rows';
import { expectedRedaction } from '../fingerprints';

/*
 * The GoTo Webinar calls (requests/webinar-api.ts and one file per call): their bodies as
 * GoTo's OpenAPI gives them and as GoTo varies them (int64 keys as bare numbers, other
 * ISO 8601 spellings, values it does not list), and GoTo's error bodies in each shape seen
 * (`int_err_code`/`msg`, `errorCode`/`description`, OAuth's `error`/`error_description`).
 */

const accessToken = 'access-token-A7c3Lx';
const organizerKey = '6452813640125869829';
const accountKey = '2205187512369868801';
const webinarKey = '8439885694023999999';
const sessionKey = '4407185061210963200';
const registrantKey = '5790315948617043968';

const gotoApi = { apiBaseUrl: 'https://api.getgo.com', accessToken, organizerKey };
const march = { fromTime: new Date('2026-03-01T00:00:00Z'), toTime: new Date('2026-04-01T00:00:00Z') };
const webinarPath = `/G2W/rest/v2/organizers/${organizerKey}/webinars/${webinarKey}`;

const listWebinars = listWebinarsRequest({ ...gotoApi, ...march });
const listAccountWebinars = listAccountWebinarsRequest({ ...gotoApi, accountKey, ...march });
const getWebinar = getWebinarRequest({ ...gotoApi, webinarKey });
const listSessions = listSessionsRequest({ ...gotoApi, webinarKey });
const getSession = getSessionRequest({ ...gotoApi, webinarKey, sessionKey });
const listSessionAttendees = listSessionAttendeesRequest({ ...gotoApi, webinarKey, sessionKey });
const listWebinarAttendees = listWebinarAttendeesRequest({ ...gotoApi, webinarKey });
const getPerformance = getSessionPerformanceRequest({ ...gotoApi, webinarKey, sessionKey });
const listRegistrants = listRegistrantsRequest({ ...gotoApi, webinarKey });
const listRegistrantPage = listRegistrantsRequest({ ...gotoApi, webinarKey, limit: 2 });
const getRegistrant = getRegistrantRequest({ ...gotoApi, webinarKey, registrantKey });
const getRegistrationFields = getRegistrationFieldsRequest({ ...gotoApi, webinarKey });
const createRegistrant = createRegistrantRequest({
  ...gotoApi,
  webinarKey,
  registrant: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
});
const deleteRegistrant = deleteRegistrantRequest({ ...gotoApi, webinarKey, registrantKey });

const listWebinarsFailed = `Step "list the organizer’s webinars (getWebinars)" failed: GET /G2W/rest/v2/organizers/${organizerKey}/webinars answered`;
const forbiddenUnsaid =
  /^GoTo’s answer does not say why, and GoTo documents no reason for a Webinar 403\. Its known causes: \(1\) the access token lacks the scope collab:/;

/** The answers that are the step's success. */
const typedBodies: TypedBodyRow[] = [
  {
    definition: 'listWebinarsRequest',
    title: 'a 200 HAL page gives each webinar, times in UTC with Z, values and fields GoTo does not list kept',
    request: listWebinars,
    answer: json(200, {
      _embedded: {
        webinars: [
          {
            webinarKey,
            subject: 'API office hours',
            times: [{ startTime: '2026-03-10T16:00:00+0000', endTime: '2026-03-10T17:00:00.000+0000' }],
            experienceType: 'CLASSIC',
            inSession: false,
          },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    body: {
      _embedded: {
        webinars: [
          {
            webinarKey,
            subject: 'API office hours',
            times: [{ startTime: '2026-03-10T16:00:00Z', endTime: '2026-03-10T17:00:00Z' }],
            experienceType: 'CLASSIC',
            inSession: false,
          },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'an empty 200 page without _embedded, as Spring HATEOAS sends it, gives the page alone',
    request: listWebinars,
    answer: json(200, { page: { size: 20, totalElements: 0, totalPages: 0, number: 0 } }),
    body: { page: { size: 20, totalElements: 0, totalPages: 0, number: 0 } },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 200 served as application/hal+json with a bare 19-digit webinarKey gives the key digit for digit',
    request: listWebinars,
    answer: {
      status: 200,
      headers: { 'content-type': 'application/hal+json' },
      body: `{"_embedded":{"webinars":[{"webinarKey":${webinarKey}}]},"page":{"size":20,"totalElements":1,"totalPages":1,"number":0}}`,
    },
    body: {
      _embedded: { webinars: [{ webinarKey }] },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    },
  },
  {
    definition: 'listAccountWebinarsRequest',
    title: 'a 200 HAL page gives the account’s webinars with their organizer keys',
    request: listAccountWebinars,
    answer: jsonText(
      200,
      `{"_embedded":{"webinars":[{"webinarKey":"${webinarKey}","organizerKey":${organizerKey},"accountKey":${accountKey}}]},"page":{"size":20,"totalElements":1,"totalPages":1,"number":0}}`,
    ),
    body: {
      _embedded: { webinars: [{ webinarKey, organizerKey, accountKey }] },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    },
  },
  {
    definition: 'getWebinarRequest',
    title: 'a 200 WebinarByKey with an int64 webinarKey as a bare number gives it as a string',
    request: getWebinar,
    answer: jsonText(
      200,
      `{"webinarKey":${webinarKey},"subject":"API office hours","times":[{"startTime":"2026-03-10T16:00:00Z","endTime":"2026-03-10T17:00:00Z"}],"numberOfRegistrants":3}`,
    ),
    body: {
      webinarKey,
      subject: 'API office hours',
      times: [{ startTime: '2026-03-10T16:00:00Z', endTime: '2026-03-10T17:00:00Z' }],
      numberOfRegistrants: 3,
    },
  },
  {
    definition: 'listSessionsRequest',
    title: 'a 200 HAL page gives the past sessions with their keys and times',
    request: listSessions,
    answer: json(200, {
      _embedded: {
        sessionInfoResources: [
          {
            sessionKey,
            webinarKey,
            startTime: '2026-02-10T16:00:00Z',
            endTime: '2026-02-10T17:00:00Z',
            registrantsAttended: 2,
          },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    body: {
      _embedded: {
        sessionInfoResources: [
          {
            sessionKey,
            webinarKey,
            startTime: '2026-02-10T16:00:00Z',
            endTime: '2026-02-10T17:00:00Z',
            registrantsAttended: 2,
          },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    },
  },
  {
    definition: 'getSessionRequest',
    title: 'a 200 array of attendees, as the OpenAPI gives getWebinarSession’s body, gives each attendee',
    request: getSession,
    answer: json(200, [{ registrantKey, email: 'ada@example.com', attendanceTimeInSeconds: 1800 }]),
    body: [{ registrantKey, email: 'ada@example.com', attendanceTimeInSeconds: 1800 }],
  },
  {
    definition: 'listSessionAttendeesRequest',
    title: 'a 200 array gives each attendee with each stay in the session',
    request: listSessionAttendees,
    answer: json(200, [
      {
        registrantKey,
        email: 'ada@example.com',
        attendanceTimeInSeconds: 1800,
        attendance: [{ joinTime: '2026-02-10T16:00:00Z', leaveTime: '2026-02-10T16:30:00Z' }],
      },
    ]),
    body: [
      {
        registrantKey,
        email: 'ada@example.com',
        attendanceTimeInSeconds: 1800,
        attendance: [{ joinTime: '2026-02-10T16:00:00Z', leaveTime: '2026-02-10T16:30:00Z' }],
      },
    ],
  },
  {
    definition: 'listSessionAttendeesRequest',
    title: 'an empty 200 array (nobody came) gives an empty list',
    request: listSessionAttendees,
    answer: json(200, []),
    body: [],
  },
  {
    definition: 'listWebinarAttendeesRequest',
    title: 'a 200 HAL page gives the attendees of every session',
    request: listWebinarAttendees,
    answer: json(200, {
      _embedded: {
        attendeeParticipationResponses: [
          { registrantKey, sessionKey, email: 'ada@example.com', attendanceTimeInSeconds: 60 },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    body: {
      _embedded: {
        attendeeParticipationResponses: [
          { registrantKey, sessionKey, email: 'ada@example.com', attendanceTimeInSeconds: 60 },
        ],
      },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    },
  },
  {
    definition: 'getSessionPerformanceRequest',
    title: 'a 200 with a share of attendance past 100 takes it as it comes (the OpenAPI gives no maximum)',
    request: getPerformance,
    answer: json(200, {
      attendance: { registrantCount: 8, percentageAttendance: 112.5, averageAttendanceTimeSeconds: 1500 },
      sessionInfo: { sessionKey, registrationEmailOpenedCount: '5' },
    }),
    body: {
      attendance: { registrantCount: 8, percentageAttendance: 112.5, averageAttendanceTimeSeconds: 1500 },
      sessionInfo: { sessionKey, registrationEmailOpenedCount: '5' },
    },
  },
  {
    definition: 'getSessionPerformanceRequest',
    title: 'a 200 without percentageAttendance, which GoTo lists as required, is taken',
    request: getPerformance,
    answer: json(200, { attendance: { registrantCount: 0, averageAttendanceTimeSeconds: 0 } }),
    body: { attendance: { registrantCount: 0, averageAttendanceTimeSeconds: 0 } },
  },
  {
    definition: 'listRegistrantsRequest',
    title: 'a 200 plain array, the answer when neither page nor limit is sent, gives each registrant',
    request: listRegistrants,
    answer: json(200, [{ registrantKey, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }]),
    body: [{ registrantKey, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }],
  },
  {
    definition: 'listRegistrantsRequest',
    title: 'a 200 RegistrantPaginatedResponse, the answer when limit is sent, gives the page',
    request: listRegistrantPage,
    answer: json(200, { data: [], total: 0, page: 0, limit: 2, pageSize: 0 }),
    body: { data: [], total: 0, page: 0, limit: 2, pageSize: 0 },
  },
  {
    definition: 'getRegistrantRequest',
    title: 'a 200 RegistrantDetailed gives every field of the form, a late registration’s type included',
    request: getRegistrant,
    answer: json(200, {
      registrantKey,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      status: 'APPROVED',
      type: 'LATE',
      responses: [{ question: 'Your role?', answer: 'Dev' }],
    }),
    body: {
      registrantKey,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      status: 'APPROVED',
      type: 'LATE',
      responses: [{ question: 'Your role?', answer: 'Dev' }],
    },
  },
  {
    definition: 'getRegistrationFieldsRequest',
    title: 'a 200 form keeps a question type GoTo does not document, and its keys as strings',
    request: getRegistrationFields,
    answer: jsonText(
      200,
      '{"fields":[{"field":"organization","required":true,"maxSize":128}],"questions":[{"questionKey":7310235661239459840,"question":"Your role?","required":true,"type":"ratingScale","answers":[{"answer":"Dev","answerKey":7310235661239459841}]}]}',
    ),
    body: {
      fields: [{ field: 'organization', required: true, maxSize: 128 }],
      questions: [
        {
          questionKey: '7310235661239459840',
          question: 'Your role?',
          required: true,
          type: 'ratingScale',
          answers: [{ answer: 'Dev', answerKey: '7310235661239459841' }],
        },
      ],
    },
  },
  {
    definition: 'createRegistrantRequest',
    title: 'a 201 RegistrantCreated with a bare 19-digit registrantKey gives it as a string',
    request: createRegistrant,
    answer: {
      status: 201,
      headers: jsonType,
      body: `{"registrantKey":${registrantKey},"joinUrl":"https://global.gotowebinar.com/join/1/2"}`,
    },
    body: { registrantKey, joinUrl: 'https://global.gotowebinar.com/join/1/2' },
  },
  {
    definition: 'deleteRegistrantRequest',
    title: 'a 204 without content gives undefined (RFC 9110 §15.3.5)',
    request: deleteRegistrant,
    answer: { status: 204 },
    body: undefined,
  },
  {
    definition: 'deleteRegistrantRequest',
    title: 'a 204 that says its content is JSON still has none, and gives undefined',
    request: deleteRegistrant,
    answer: { status: 204, headers: jsonType },
    body: undefined,
  },
  {
    definition: 'deleteRegistrantRequest',
    title: 'a 204 that came with bytes anyway gives undefined: a 204 cannot have content',
    request: deleteRegistrant,
    answer: { status: 204, headers: jsonType, body: '{"registrantKey":"1"}', raw: true },
    body: undefined,
  },
];

/** Another status than the step's success. */
const statusErrors: StatusErrorRow[] = [
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 InvalidToken (GoTo’s answer to an expired token) advises the refresh step',
    request: listWebinars,
    answer: json(403, { int_err_code: 'InvalidToken', msg: 'Invalid token passed' }),
    expected: {
      status: 403,
      error: 'InvalidToken',
      description: 'Invalid token passed',
      headline: `${listWebinarsFailed} HTTP 403 InvalidToken ("Invalid token passed").`,
      advice: refreshAgain,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 Forbidden that says nothing of why names every known cause, none leading',
    request: listWebinars,
    answer: json(403, { int_err_code: 'Forbidden', msg: 'Access forbidden' }),
    expected: {
      status: 403,
      error: 'Forbidden',
      description: 'Access forbidden',
      headline: `${listWebinarsFailed} HTTP 403 Forbidden ("Access forbidden").`,
      advice: forbiddenUnsaid,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 AccessDenied saying the token does not belong puts the organizer key first',
    request: listWebinars,
    answer: json(403, { int_err_code: 'AccessDenied', msg: 'The access token does not belong to this account' }),
    expected: {
      status: 403,
      error: 'AccessDenied',
      description: 'The access token does not belong to this account',
      headline: `${listWebinarsFailed} HTTP 403 AccessDenied ("The access token does not belong to this account").`,
      advice:
        /^GoTo’s answer points at this cause of a Webinar 403: the organizer key in the path is not the key of the user who authorized/,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 with OAuth’s error and error_description naming a licence puts the licence first',
    request: listWebinars,
    answer: json(403, { error: 'access_denied', error_description: 'user has no GoTo Webinar license' }),
    expected: {
      status: 403,
      error: 'access_denied',
      description: 'user has no GoTo Webinar license',
      headline: `${listWebinarsFailed} HTTP 403 access_denied ("user has no GoTo Webinar license").`,
      advice:
        /^GoTo’s answer points at this cause of a Webinar 403: the GoTo account of the user who authorized has no GoTo Webinar licence/,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 in the client models’ errorCode and description shape reads those',
    request: listWebinars,
    answer: json(403, { errorCode: 'Forbidden', description: 'Token scope does not include collab:', incident: 'i-1' }),
    expected: {
      status: 403,
      error: 'Forbidden',
      description: 'Token scope does not include collab:',
      headline: `${listWebinarsFailed} HTTP 403 Forbidden ("Token scope does not include collab:").`,
      advice: /^GoTo’s answer points at this cause of a Webinar 403: the access token lacks the scope collab:/,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 403 whose msg echoes the Authorization header shows the token redacted',
    request: listWebinars,
    answer: json(403, { int_err_code: 'Forbidden', msg: `organizer of Bearer ${accessToken} does not own this` }),
    expected: {
      status: 403,
      error: 'Forbidden',
      description: `organizer of Bearer ${expectedRedaction(accessToken)} does not own this`,
      headline: `${listWebinarsFailed} HTTP 403 Forbidden ("organizer of Bearer ${expectedRedaction(accessToken)} does not own this").`,
      advice: /^GoTo’s answer points at this cause of a Webinar 403: the organizer key in the path/,
    },
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 400 says GoTo rejected the query parameters',
    request: listWebinars,
    answer: json(400, { errorCode: 'InvalidRequest', description: 'fromTime is after toTime' }),
    expected: {
      status: 400,
      error: 'InvalidRequest',
      description: 'fromTime is after toTime',
      headline: `${listWebinarsFailed} HTTP 400 InvalidRequest ("fromTime is after toTime").`,
      advice: 'GoTo rejected the query parameters: check the time range and paging values.',
    },
  },
  {
    definition: 'listAccountWebinarsRequest',
    title: 'a bare 403 speaks of the account key and an admin role, not GOTO_ORGANIZER_KEY',
    request: listAccountWebinars,
    answer: { status: 403 },
    expected: {
      status: 403,
      headline: `Step "list the account’s webinars (getAllAccountWebinars)" failed: GET /G2W/rest/v2/accounts/${accountKey}/webinars answered HTTP 403.`,
      advice:
        /^GoTo’s answer does not say why, .*the account key in the path is not an account of the user who authorized, or the user is not its admin/,
    },
  },
  {
    definition: 'listAccountWebinarsRequest',
    title: 'a 404 says GoTo knows no account with this key',
    request: listAccountWebinars,
    answer: json(404, { errorCode: 'NotFound', description: 'account not found' }),
    expected: {
      status: 404,
      error: 'NotFound',
      description: 'account not found',
      headline: `Step "list the account’s webinars (getAllAccountWebinars)" failed: GET /G2W/rest/v2/accounts/${accountKey}/webinars answered HTTP 404 NotFound ("account not found").`,
      advice: 'GoTo knows no account with this key (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'getWebinarRequest',
    title: 'a 404 NotFound says GoTo knows no webinar with this key, and that a cancelled one answers 404 too',
    request: getWebinar,
    answer: json(404, { errorCode: 'NotFound', description: `Webinar with key ${webinarKey} was not found` }),
    expected: {
      status: 404,
      error: 'NotFound',
      description: `Webinar with key ${webinarKey} was not found`,
      headline: `Step "read a webinar (getWebinar)" failed: GET ${webinarPath} answered HTTP 404 NotFound ("Webinar with key ${webinarKey} was not found").`,
      advice:
        'GoTo knows no webinar with this key (a cancelled webinar answers 404 too) (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'listSessionsRequest',
    title: 'a 500 says GoTo had a server error',
    request: listSessions,
    answer: json(500, { errorCode: 'InternalError', incident: 'i-2' }),
    expected: {
      status: 500,
      error: 'InternalError',
      headline: `Step "list a webinar’s past sessions (getAllSessions)" failed: GET ${webinarPath}/sessions answered HTTP 500 InternalError.`,
      advice: 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.',
    },
  },
  {
    definition: 'getSessionRequest',
    title: 'a 404 says GoTo knows no past session with this key',
    request: getSession,
    answer: json(404, { errorCode: 'NotFound', description: 'Session not found' }),
    expected: {
      status: 404,
      error: 'NotFound',
      description: 'Session not found',
      headline: `Step "read a past session’s attendance (getWebinarSession)" failed: GET ${webinarPath}/sessions/${sessionKey} answered HTTP 404 NotFound ("Session not found").`,
      advice:
        'GoTo knows no past session with this key for this webinar (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'listSessionAttendeesRequest',
    title: 'a 404 for a session that has not ended says GoTo knows no past session with this key',
    request: listSessionAttendees,
    answer: json(404, { errorCode: 'NotFound', description: 'Session has not ended' }),
    expected: {
      status: 404,
      error: 'NotFound',
      description: 'Session has not ended',
      headline: `Step "list a session’s attendees (getAttendees)" failed: GET ${webinarPath}/sessions/${sessionKey}/attendees answered HTTP 404 NotFound ("Session has not ended").`,
      advice:
        'GoTo knows no past session with this key for this webinar (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'listWebinarAttendeesRequest',
    title: 'a 403 InvalidToken advises the refresh step',
    request: listWebinarAttendees,
    answer: json(403, { int_err_code: 'InvalidToken', msg: 'Invalid token passed' }),
    expected: {
      status: 403,
      error: 'InvalidToken',
      description: 'Invalid token passed',
      headline: `Step "list the attendees of all a webinar’s sessions (getAttendeesForAllWebinarSessions)" failed: GET ${webinarPath}/attendees answered HTTP 403 InvalidToken ("Invalid token passed").`,
      advice: refreshAgain,
    },
  },
  {
    definition: 'getSessionPerformanceRequest',
    title: 'a 404 says GoTo knows no past session with this key',
    request: getPerformance,
    answer: json(404, { errorCode: 'NotFound' }),
    expected: {
      status: 404,
      error: 'NotFound',
      headline: `Step "read a past session’s performance (getPerformance)" failed: GET ${webinarPath}/sessions/${sessionKey}/performance answered HTTP 404 NotFound.`,
      advice:
        'GoTo knows no past session with this key for this webinar (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'listRegistrantsRequest',
    title: 'a 404 says GoTo knows no webinar with this key',
    request: listRegistrants,
    answer: json(404, { errorCode: 'NotFound' }),
    expected: {
      status: 404,
      error: 'NotFound',
      headline: `Step "list a webinar’s registrants (getAllRegistrantsForWebinar)" failed: GET ${webinarPath}/registrants answered HTTP 404 NotFound.`,
      advice: 'GoTo knows no webinar with this key (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'getRegistrantRequest',
    title: 'a 404 says GoTo knows no registrant with this key for this webinar',
    request: getRegistrant,
    answer: json(404, { errorCode: 'NotFound', description: 'Registrant not found' }),
    expected: {
      status: 404,
      error: 'NotFound',
      description: 'Registrant not found',
      headline: `Step "read a registrant (getRegistrant)" failed: GET ${webinarPath}/registrants/${registrantKey} answered HTTP 404 NotFound ("Registrant not found").`,
      advice:
        'GoTo knows no registrant with this key for this webinar (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
  {
    definition: 'getRegistrationFieldsRequest',
    title: 'a 403 without a body names every known cause of a Webinar 403',
    request: getRegistrationFields,
    answer: { status: 403 },
    expected: {
      status: 403,
      headline: `Step "read a webinar’s registration fields (getRegistrationFields)" failed: GET ${webinarPath}/registrants/fields answered HTTP 403.`,
      advice: forbiddenUnsaid,
    },
  },
  {
    definition: 'createRegistrantRequest',
    title: 'a 409 says the email is registered already and how to go on',
    request: createRegistrant,
    answer: json(409, { errorCode: 'Conflict', description: 'The user is already registered' }),
    expected: {
      status: 409,
      error: 'Conflict',
      description: 'The user is already registered',
      headline: `Step "register a person for a webinar (createRegistrant)" failed: POST ${webinarPath}/registrants answered HTTP 409 Conflict ("The user is already registered").`,
      advice:
        'this email is registered for the webinar already: delete that registrant first, or send resendConfirmation to have the email sent again.',
    },
  },
  {
    definition: 'createRegistrantRequest',
    title: 'a 400 points at getRegistrationFields for what the webinar requires',
    request: createRegistrant,
    answer: json(400, { errorCode: 'InvalidRequest', description: 'A required question was not answered' }),
    expected: {
      status: 400,
      error: 'InvalidRequest',
      description: 'A required question was not answered',
      headline: `Step "register a person for a webinar (createRegistrant)" failed: POST ${webinarPath}/registrants answered HTTP 400 InvalidRequest ("A required question was not answered").`,
      advice:
        'GoTo refused the registration: getRegistrationFields lists the fields and questions this webinar requires.',
    },
  },
  {
    definition: 'createRegistrantRequest',
    title: 'a 200 where GoTo documents 201 is an unexpected status',
    request: createRegistrant,
    answer: json(200, { registrantKey, joinUrl: 'https://global.gotowebinar.com/join/1/2' }),
    expected: {
      status: 200,
      headline: `Step "register a person for a webinar (createRegistrant)" failed: POST ${webinarPath}/registrants answered HTTP 200.`,
      advice: 'check the GOTO_* settings and run again.',
    },
  },
  {
    definition: 'deleteRegistrantRequest',
    title: 'a 400 says GoTo deletes registrants of scheduled, future webinars only',
    request: deleteRegistrant,
    answer: json(400, { errorCode: 'InvalidRequest', description: 'Webinar is over' }),
    expected: {
      status: 400,
      error: 'InvalidRequest',
      description: 'Webinar is over',
      headline: `Step "delete a registrant (deleteRegistrant)" failed: DELETE ${webinarPath}/registrants/${registrantKey} answered HTTP 400 InvalidRequest ("Webinar is over").`,
      advice: 'GoTo deletes registrants of scheduled, future webinars only.',
    },
  },
  {
    definition: 'deleteRegistrantRequest',
    title: 'a 404 says GoTo knows no such registrant (deleted already?)',
    request: deleteRegistrant,
    answer: json(404, { errorCode: 'NotFound' }),
    expected: {
      status: 404,
      error: 'NotFound',
      headline: `Step "delete a registrant (deleteRegistrant)" failed: DELETE ${webinarPath}/registrants/${registrantKey} answered HTTP 404 NotFound.`,
      advice:
        'GoTo knows no registrant with this key for this webinar (deleted already?) (GOTO_ORGANIZER_KEY must be the organizer who owns it).',
    },
  },
];

/** A success whose body is not what the service documents. */
const bodyErrors: BodyErrorRow[] = [
  {
    definition: 'listWebinarsRequest',
    title: 'a 200 whose second webinar has no key names the field and no value',
    request: listWebinars,
    answer: json(200, {
      _embedded: {
        webinars: [
          { webinarKey, subject: 'API office hours' },
          { subject: 'Keyless webinar subject', organizerKey },
        ],
      },
      page: { size: 20, totalElements: 2, totalPages: 1, number: 0 },
    }),
    expected: {
      status: 200,
      says: `${listWebinarsFailed} HTTP 200, but the body is not what GoTo documents:`,
      problem: /is missing\s+→ at _embedded\.webinars\[1\]\.webinarKey/,
      advice: gotoApiBodyAdvice,
    },
    notShown: [webinarKey, 'API office hours', 'Keyless webinar subject'],
  },
  {
    definition: 'listWebinarsRequest',
    title: 'a 200 without the page block names "page"',
    request: listWebinars,
    answer: json(200, { _embedded: { webinars: [] } }),
    expected: {
      status: 200,
      says: `${listWebinarsFailed} HTTP 200, but the body is not what GoTo documents:`,
      problem: /→ at page/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'listAccountWebinarsRequest',
    title: 'a 200 whose webinar time is no date-time names the field and not the value',
    request: listAccountWebinars,
    answer: json(200, {
      _embedded: { webinars: [{ webinarKey, times: [{ startTime: 'next Tuesday', endTime: 'later' }] }] },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    expected: {
      status: 200,
      says: `Step "list the account’s webinars (getAllAccountWebinars)" failed: GET /G2W/rest/v2/accounts/${accountKey}/webinars answered HTTP 200, but the body is not what GoTo documents:`,
      problem:
        /must be an ISO 8601 date-time such as 2020-03-13T10:00:00Z\s+→ at _embedded\.webinars\[0\]\.times\[0\]\.startTime/,
      advice: gotoApiBodyAdvice,
    },
    notShown: ['next Tuesday'],
  },
  {
    definition: 'getWebinarRequest',
    title: 'a 200 WebinarByKey without subject names "subject"',
    request: getWebinar,
    answer: json(200, { webinarKey, times: [] }),
    expected: {
      status: 200,
      says: `Step "read a webinar (getWebinar)" failed: GET ${webinarPath} answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected string, received undefined\s+→ at subject/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'listSessionsRequest',
    title: 'a 200 session without endTime names the field',
    request: listSessions,
    answer: json(200, {
      _embedded: { sessionInfoResources: [{ sessionKey, webinarKey, startTime: '2026-02-10T16:00:00Z' }] },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    expected: {
      status: 200,
      says: `Step "list a webinar’s past sessions (getAllSessions)" failed: GET ${webinarPath}/sessions answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /→ at _embedded\.sessionInfoResources\[0\]\.endTime/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'getSessionRequest',
    title: 'a 200 object where the OpenAPI gives an array says an array was expected',
    request: getSession,
    answer: json(200, { attendees: [] }),
    expected: {
      status: 200,
      says: `Step "read a past session’s attendance (getWebinarSession)" failed: GET ${webinarPath}/sessions/${sessionKey} answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected array, received object/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'listSessionAttendeesRequest',
    title: 'a 200 attendee with a negative attendance time names the field',
    request: listSessionAttendees,
    answer: json(200, [{ registrantKey, email: 'ada@example.com', attendanceTimeInSeconds: -1 }]),
    expected: {
      status: 200,
      says: `Step "list a session’s attendees (getAttendees)" failed: GET ${webinarPath}/sessions/${sessionKey}/attendees answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /→ at \[0\]\.attendanceTimeInSeconds/,
      advice: gotoApiBodyAdvice,
    },
    notShown: ['ada@example.com'],
  },
  {
    definition: 'listWebinarAttendeesRequest',
    title: 'a 200 attendee without email names the field',
    request: listWebinarAttendees,
    answer: json(200, {
      _embedded: { attendeeParticipationResponses: [{ registrantKey, attendanceTimeInSeconds: 60 }] },
      page: { size: 20, totalElements: 1, totalPages: 1, number: 0 },
    }),
    expected: {
      status: 200,
      says: `Step "list the attendees of all a webinar’s sessions (getAttendeesForAllWebinarSessions)" failed: GET ${webinarPath}/attendees answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /→ at _embedded\.attendeeParticipationResponses\[0\]\.email/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'getSessionPerformanceRequest',
    title: 'a 200 without attendance names "attendance"',
    request: getPerformance,
    answer: json(200, { sessionInfo: {} }),
    expected: {
      status: 200,
      says: `Step "read a past session’s performance (getPerformance)" failed: GET ${webinarPath}/sessions/${sessionKey}/performance answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected object, received undefined\s+→ at attendance/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'listRegistrantsRequest',
    title: 'a page answered where no page was asked for says an array was expected',
    request: listRegistrants,
    answer: json(200, { data: [], total: 0, page: 0, limit: 20, pageSize: 0 }),
    expected: {
      status: 200,
      says: `Step "list a webinar’s registrants (getAllRegistrantsForWebinar)" failed: GET ${webinarPath}/registrants answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected array, received object/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'listRegistrantsRequest',
    title: 'a plain array answered where a page was asked for says an object was expected',
    request: listRegistrantPage,
    answer: json(200, []),
    expected: {
      status: 200,
      says: `Step "list a page of a webinar’s registrants (getAllRegistrantsForWebinar)" failed: GET ${webinarPath}/registrants answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected object, received array/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'getRegistrantRequest',
    title: 'a 200 with a registration type GoTo does not list names "type" and not the value',
    request: getRegistrant,
    answer: json(200, { registrantKey, firstName: 'Ada', lastName: 'Lovelace', email: 'a@b.c', type: 'WALK_IN' }),
    expected: {
      status: 200,
      says: `Step "read a registrant (getRegistrant)" failed: GET ${webinarPath}/registrants/${registrantKey} answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /expected one of "REGULAR"\|"LATE"\s+→ at type/,
      advice: gotoApiBodyAdvice,
    },
    notShown: ['WALK_IN', 'Lovelace'],
  },
  {
    definition: 'getRegistrationFieldsRequest',
    title: 'a 200 without questions names "questions"',
    request: getRegistrationFields,
    answer: json(200, { fields: [] }),
    expected: {
      status: 200,
      says: `Step "read a webinar’s registration fields (getRegistrationFields)" failed: GET ${webinarPath}/registrants/fields answered HTTP 200, but the body is not what GoTo documents:`,
      problem: /→ at questions/,
      advice: gotoApiBodyAdvice,
    },
  },
  {
    definition: 'createRegistrantRequest',
    title: 'a 201 without joinUrl names "joinUrl"',
    request: createRegistrant,
    answer: json(201, { registrantKey }),
    expected: {
      status: 201,
      says: `Step "register a person for a webinar (createRegistrant)" failed: POST ${webinarPath}/registrants answered HTTP 201, but the body is not what GoTo documents:`,
      problem: /→ at joinUrl/,
      advice: gotoApiBodyAdvice,
    },
  },
];

export const webinarApiRows: ResponseRows = { typedBodies, statusErrors, bodyErrors };
