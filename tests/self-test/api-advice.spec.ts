import { apiAdvice, profileScope, rejectsToken, webinarScope, type ApiCallContext } from '../../requests';
import { expect, test } from '../../fixtures';

/*
 * The advice for a failed GoTo API call, as a pure function of the answer's facts and what
 * the call knows (requests/api-endpoint.ts): no server needed.
 */

const usersMe: ApiCallContext = { scope: profileScope };
const webinars: ApiCallContext = { scope: webinarScope, organizerInPath: true };

const missingScope = [
  {
    title: 'Users/me answering 403 insufficient_scope',
    facts: { status: 403, error: 'insufficient_scope' },
    context: usersMe,
    scope: 'identity:scim.me',
    label: '"Profile"',
  },
  {
    title: 'Users/me answering a bare 403',
    facts: { status: 403 },
    context: usersMe,
    scope: 'identity:scim.me',
    label: '"Profile"',
  },
  {
    title: 'the Webinar API answering 403 Forbidden',
    facts: { status: 403, error: 'Forbidden' },
    context: webinars,
    scope: 'collab:',
    label: '"GoToWebinar"',
  },
  {
    title: 'the Webinar API answering a bare 403',
    facts: { status: 403 },
    context: webinars,
    scope: 'collab:',
    label: '"GoToWebinar"',
  },
];
for (const { title, facts, context, scope, label } of missingScope) {
  test(`names the missing scope, where to tick it and that a person must authorize again for ${title}`, () => {
    const advice = apiAdvice(facts, context);

    expect(advice).toContain(`lacks the scope ${scope}`);
    expect(advice).toContain(
      `https://developer.logmeininc.com/clients open the OAuth client, tick ${label} (${scope})`,
    );
    expect(advice).toContain('then authorize again (`npx playwright test --project=authorize`');
    expect(advice).toContain(`If GOTO_SCOPE is set, it must include ${scope}.`);
  });
}

test('adds, for the Webinar API only, that GOTO_ORGANIZER_KEY may belong to another user', () => {
  expect(apiAdvice({ status: 403 }, webinars)).toContain('Or GOTO_ORGANIZER_KEY belongs to another user');
  expect(apiAdvice({ status: 403 }, usersMe)).not.toContain('GOTO_ORGANIZER_KEY');
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
