import { expect, test } from '../../fixtures';

// Each check gets this run's fresh access token from the `accessToken` fixture.
test('Users/me answers with the signed-in user, whose id is stored as the organizer key', async ({
  chain,
  accessToken,
}) => {
  const me = await chain.usersMe(accessToken);

  expect(me.id, 'the organizer key is a string of digits, never a number').toMatch(/^\d+$/);
  expect(chain.settings().organizerKey, 'the env file holds the organizer key').toBe(me.id);
});

test('lists the organizer’s webinars of the coming 30 days with the new access token', async ({
  chain,
  accessToken,
}) => {
  const fromTime = new Date();
  const toTime = new Date(fromTime.getTime() + 30 * 24 * 3600 * 1000);

  const list = await chain.listWebinars({ fromTime, toTime, size: 50, accessToken });

  const webinars = list._embedded?.webinars ?? [];
  expect(list.page.number, 'the first page is page 0').toBe(0);
  // An organizer may have no webinar in the coming 30 days: then GoTo counts none
  // (`page.totalElements`, Spring HATEOAS) and there is no key below to check.
  expect(webinars.length, 'the first page holds every webinar GoTo counts, up to `size`').toBe(
    Math.min(list.page.totalElements, 50),
  );
  // A webinar the user co-organizes is listed too, under its own organizer's key (GoTo's v1
  // docs, rubydoc go_to_webinar 0.2.1): the organizer keys need not be the user's.
  for (const webinar of webinars) {
    expect(webinar.webinarKey, 'webinar keys stay strings of digits').toMatch(/^\d+$/);
  }
});
