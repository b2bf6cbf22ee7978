import {
  apiAdvice,
  forbiddenLeadCause,
  profileScope,
  rejectsToken,
  webinarScope,
  type ApiCallContext,
  type ForbiddenCause,
} from '../../requests';
import {
  ApiStatusError,
  expect,
  fingerprint,
  readEnvValues,
  test,
  updateEnvFile,
  type EmulatorControl,
  type Sandbox,
} from './fixtures';
import { markRequests } from './helpers/received-since';

/*
 * The advice for a failed GoTo API call, as a pure function of the answer's facts and what
 * the call knows (requests/api-endpoint.ts, requests/webinar-forbidden.ts): no server needed;
 * then a Webinar 403 of each body shape end to end, from the emulator's fault injection.
 */

const usersMe: ApiCallContext = { scope: profileScope };
const webinars: ApiCallContext = { scope: webinarScope, webinarPathKey: 'organizerKey' };
const accountWebinars: ApiCallContext = { scope: webinarScope, webinarPathKey: 'accountKey' };

/** A phrase of each cause's part of the advice, to find it and its place. */
const causePhrase: Record<ForbiddenCause, string> = {
  'missing-scope': 'the access token lacks the scope collab:',
  'foreign-key': 'the organizer key in the path is not the key of the user who authorized',
  'no-licence': 'has no GoTo Webinar licence',
};
const allCauses = Object.keys(causePhrase) as ForbiddenCause[];

for (const { title, facts } of [
  { title: 'Users/me answering 403 insufficient_scope', facts: { status: 403, error: 'insufficient_scope' } },
  { title: 'Users/me answering a bare 403', facts: { status: 403 } },
]) {
  test(`names the missing scope, where to tick it and that a person must authorize again for ${title}`, () => {
    const advice = apiAdvice(facts, usersMe);

    expect(advice).toContain('lacks the scope identity:scim.me');
    expect(advice).toContain(
      'https://developer.logmeininc.com/clients open the OAuth client, tick "Profile" (identity:scim.me)',
    );
    expect(advice).toContain('then authorize again (`npx playwright test --project=authorize`');
    expect(advice).toContain('If GOTO_SCOPE is set, it must include identity:scim.me.');
    expect(advice, 'Users/me names no organizer').not.toContain('organizer key');
  });
}

/** Webinar 403 answers, by what GoTo's words point at; the shapes GoTo's pages and clients show. */
const webinarForbidden: Array<{
  title: string;
  facts: { status: number; error?: string; description?: string };
  lead?: ForbiddenCause;
}> = [
  { title: 'a bare 403', facts: { status: 403 } },
  {
    title: '403 Forbidden that says nothing of why',
    facts: { status: 403, error: 'Forbidden', description: 'The access token does not allow this request' },
  },
  {
    title: 'an RFC 6750 insufficient_scope challenge',
    facts: { status: 403, error: 'insufficient_scope' },
    lead: 'missing-scope',
  },
  {
    title: 'an int_err_code whose msg speaks of the scope',
    facts: { status: 403, error: 'Forbidden', description: 'Token scope does not include collab:' },
    lead: 'missing-scope',
  },
  {
    title: 'a msg that says the organizer is not the token’s user',
    facts: { status: 403, error: 'Forbidden', description: 'Organizer key does not match the authenticated user' },
    lead: 'foreign-key',
  },
  {
    title: 'an error_description that speaks of a licence',
    facts: { status: 403, error: 'access_denied', description: 'User is not licensed for GoTo Webinar' },
    lead: 'no-licence',
  },
  {
    title: 'a msg about an organizer without an entitlement, which is a licence problem first',
    facts: { status: 403, error: 'AccessDenied', description: 'Organizer has no G2W entitlement' },
    lead: 'no-licence',
  },
];

for (const { title, facts, lead } of webinarForbidden) {
  test(`for a Webinar ${title}, names every known cause${lead ? ` with "${lead}" first` : ' and says GoTo did not say which'}`, () => {
    const advice = apiAdvice(facts, webinars);

    expect(forbiddenLeadCause(facts)).toBe(lead);
    const places = allCauses.map((cause) => advice.indexOf(causePhrase[cause]));
    expect(
      places.every((place) => place >= 0),
      `every cause is named: ${advice}`,
    ).toBe(true);
    if (lead) {
      expect(advice).toMatch(/^GoTo’s answer points at this cause of a Webinar 403: /);
      expect(advice.indexOf(causePhrase[lead]), 'the cause the answer points at comes first').toBe(Math.min(...places));
    } else {
      expect(advice).toMatch(/^GoTo’s answer does not say why, and GoTo documents no reason for a Webinar 403\./);
    }
    expect(advice, 'where to tick the scope').toContain('tick "GoToWebinar" (collab:)');
    expect(advice, 'how to get the right organizer key').toContain(
      'remove GOTO_ORGANIZER_KEY from the env file, and Users/me stores the right one',
    );
  });
}

test('for getAllAccountWebinars, speaks of the account key and an admin role instead of the organizer key', () => {
  const advice = apiAdvice({ status: 403 }, accountWebinars);

  expect(advice).toContain('the account key in the path is not an account of the user who authorized');
  expect(advice).toContain('"a full-featured account, preferably with an Admin role"');
  expect(advice).not.toContain('GOTO_ORGANIZER_KEY');
});

const rejections = [
  { title: 'Users/me answering 401 invalid_token', facts: { status: 401, error: 'invalid_token' }, context: usersMe },
  { title: 'Users/me answering a bare 401', facts: { status: 401 }, context: usersMe },
  {
    title: 'the Webinar API answering 403 InvalidToken',
    facts: { status: 403, error: 'InvalidToken' },
    context: webinars,
  },
];
for (const { title, facts, context } of rejections) {
  test(`counts ${title} as a rejected access token, which a refresh may cure`, () => {
    expect(rejectsToken(facts)).toBe(true);
    expect(apiAdvice(facts, context)).toMatch(/invalid or has expired .*`npx playwright test --grep @refresh`/);
  });

  test(`advises authorizing again for ${title} right after a refresh, naming the scope to check`, () => {
    const advice = apiAdvice(facts, { ...context, afterRefresh: true });

    expect(advice).toContain('also rejected the access token a refresh had just given');
    expect(advice).toContain('Authorize again (`npx playwright test --project=authorize`)');
    expect(advice).toContain(`the scope ${context.scope.scope} ("${context.scope.label}")`);
  });
}

test('does not count a missing scope as a rejected access token: a refresh cannot add a scope', () => {
  expect(rejectsToken({ status: 403, error: 'insufficient_scope' })).toBe(false);
  expect(rejectsToken({ status: 403, error: 'Forbidden' })).toBe(false);
  expect(rejectsToken({ status: 403 })).toBe(false);
});

test.describe('a Webinar 403 from the server', () => {
  /** The sandbox after a first run: tokens and the organizer key in its env file. */
  async function signedIn(sandbox: Sandbox, emulator: EmulatorControl) {
    const { code } = await emulator.issueCode(sandbox.client.clientId);
    await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
    await sandbox.chain.exchangeCode();
    await sandbox.chain.usersMe();
  }

  const json = (value: unknown) => ({
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify(value),
  });

  const shapes: Array<{
    title: string;
    answer: { headers?: Record<string, string>; body?: string; echo?: boolean };
    said: { error?: string; description?: string };
    lead?: ForbiddenCause;
  }> = [
    {
      title: 'int_err_code and msg that say nothing of why',
      answer: json({ int_err_code: 'Forbidden', msg: 'Access forbidden' }),
      said: { error: 'Forbidden', description: 'Access forbidden' },
    },
    {
      title: 'error and error_description naming a licence',
      answer: json({ error: 'access_denied', error_description: 'user has no GoTo Webinar license' }),
      said: { error: 'access_denied', description: 'user has no GoTo Webinar license' },
      lead: 'no-licence',
    },
    {
      title: 'an RFC 6750 challenge with an empty body',
      answer: { headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="collab:"' } },
      said: { error: 'insufficient_scope' },
      lead: 'missing-scope',
    },
    {
      title: 'a msg quoting the request’s Authorization header and naming the organizer',
      // A server that echoes what it was sent: GoTo's words are shown, the token never.
      answer: {
        ...json({ int_err_code: 'Forbidden', msg: 'organizer of {{header.authorization}} does not own this' }),
        echo: true,
      },
      said: { error: 'Forbidden' },
      lead: 'foreign-key',
    },
    { title: 'an empty JSON body', answer: json({}), said: {} },
  ];

  for (const { title, answer, said, lead } of shapes) {
    test(`with ${title}: GoTo's words first, then ${lead ? `"${lead}" as the lead cause` : 'every cause, none leading'}; sent once, nothing refreshed, no secret shown`, async ({
      sandbox,
      emulator,
    }) => {
      await signedIn(sandbox, emulator);
      const mark = await markRequests(emulator, sandbox.client.clientId);
      await emulator.addFault(sandbox.client.clientId, { route: 'webinars', status: 403, ...answer });

      const error = await sandbox.chain
        .listWebinars({ fromTime: new Date(), toTime: new Date(Date.now() + 864e5) })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ApiStatusError);
      const failure = error as ApiStatusError;
      expect(failure.status).toBe(403);
      expect(failure.error).toBe(said.error);
      if (said.description) expect(failure.description).toBe(said.description);
      const [headline = '', advice = ''] = failure.message.split('\nWhat to do: ');
      expect(headline).toContain('answered HTTP 403');
      if (said.error) expect(headline, "GoTo's own code stands first").toContain(`HTTP 403 ${said.error}`);
      expect(advice).toBe(failure.advice);
      expect(forbiddenLeadCause(failure)).toBe(lead);
      for (const cause of allCauses) expect(advice).toContain(causePhrase[cause]);
      if (lead)
        expect(advice).toMatch(
          new RegExp(`^GoTo’s answer points at this cause of a Webinar 403: [^(]*${causePhrase[lead]}`),
        );

      const received = await mark.received();
      expect(
        received.filter((request) => request.route === 'webinars'),
        'the list was asked once',
      ).toHaveLength(1);
      expect(
        received.filter((request) => request.route === 'token'),
        'a 403 that is not InvalidToken is not refreshed',
      ).toEqual([]);
      const values = readEnvValues(sandbox.envFile);
      for (const secret of [sandbox.client.clientSecret, values.GOTO_ACCESS_TOKEN, values.GOTO_REFRESH_TOKEN]) {
        expect(secret, 'the env file holds the secret').toBeTruthy();
        const shown = [failure.message, failure.description ?? '', JSON.stringify(failure)].join('\n');
        expect(shown.includes(secret ?? ''), `no secret (${fingerprint(secret ?? '')}) in the error`).toBe(false);
      }
    });
  }
});
