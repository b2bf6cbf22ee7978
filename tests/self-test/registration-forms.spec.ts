import { expect, test, type EmulatorControl, type Sandbox } from './fixtures';
import { runReported, testsOf } from './helpers/reported-run';

/*
 * The @write check against forms it cannot take for granted: GoTo's organizers choose the
 * fields and questions of each webinar's registration form (OpenAPI getRegistrationFields,
 * "default fields the organizer has selected"), and GoTo may add fields its OpenAPI does not
 * list. The emulator adds them to every form (`registrationForm`); each run asks for the
 * @write check alone, as `npx playwright test --grep @write` does against GoTo.
 */

// Each test starts a whole `playwright test` run: time for a loaded machine, not for speed.
test.describe.configure({ timeout: 3 * 60_000 });

async function signedIn(sandbox: Sandbox, emulator: EmulatorControl) {
  await sandbox.chain.exchangeCode({ code: (await emulator.issueCode(sandbox.client.clientId)).code });
}

async function createRegistrantCalls(emulator: EmulatorControl, sandbox: Sandbox) {
  return (await emulator.requests(sandbox.client.clientId)).filter(
    (request) => request.route === 'registrants' && request.method === 'POST',
  );
}

test('a form that requires a choice with no answers to choose from skips the @write check, saying so, and registers no one', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await emulator.updateClient(sandbox.client.clientId, {
    registrationForm: {
      questions: [{ question: 'Which session?', required: true, type: 'multipleChoice', answers: [] }],
    },
  });
  await signedIn(sandbox, emulator);

  const { run, tests } = await runReported(sandbox.env, testInfo, ['--grep=@write']);

  expect(run.exitCode, run.output).toBe(0);
  const [check, ...others] = testsOf(tests, '30-webinar-checks.spec.ts');
  expect(others, 'the @write check alone').toEqual([]);
  expect(check?.status).toBe('skipped');
  expect(check?.annotations.find((annotation) => annotation.type === 'skip')?.description).toBe(
    'the next webinar\'s registration form requires "Which session?", a choice with no answers to choose from',
  );
  expect(await createRegistrantCalls(emulator, sandbox), 'no createRegistrant was sent').toEqual([]);
});

test('a form that requires a field the create schema does not list is filled in and sent, and the @write check passes', async ({
  sandbox,
  emulator,
}, testInfo) => {
  await emulator.updateClient(sandbox.client.clientId, {
    registrationForm: { fields: [{ field: 'preferredPronouns', required: true }] },
  });
  await signedIn(sandbox, emulator);

  const { run, tests } = await runReported(sandbox.env, testInfo, ['--grep=@write']);

  expect(run.exitCode, run.output).toBe(0);
  expect(testsOf(tests, '30-webinar-checks.spec.ts').map((check) => check.status)).toEqual(['passed']);
  const [created, ...again] = await createRegistrantCalls(emulator, sandbox);
  expect(again, 'registered once').toEqual([]);
  expect(created?.json, 'the field as the request sent it').toMatchObject({ preferredPronouns: 'n/a' });
});
