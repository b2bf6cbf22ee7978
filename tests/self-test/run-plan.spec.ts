import { expect, test } from './fixtures';
import { planRun } from '../../lib/config/run-plan';

// What `playwright test` runs, decided from the environment and the arguments alone.
const plan = (env: Record<string, string> = {}, argv: string[] = [], fileValues: Record<string, string> = {}) =>
  planRun({ env, argv: ['node', 'playwright', 'test', ...argv], fileValues: () => fileValues });

test('with nothing configured, the collection runs on the built-in emulator, without the self-tests or the browser login', () => {
  expect(plan()).toEqual({ target: 'emulator', selfTests: false, authorize: false, ui: false, writeChecks: true });
});

test('a client id in the environment or the env file makes the target GoTo', () => {
  expect(plan({ GOTO_CLIENT_ID: 'a2094c4f' }).target).toBe('goto');
  expect(plan({}, [], { GOTO_CLIENT_ID: 'a2094c4f' }).target).toBe('goto');
});

test('GOTO_TARGET wins over a configured client', () => {
  expect(plan({ GOTO_TARGET: 'emulator', GOTO_CLIENT_ID: 'a2094c4f' }).target).toBe('emulator');
});

test('an unknown GOTO_TARGET counts as GoTo, whose global setup names the bad value', () => {
  expect(plan({ GOTO_TARGET: 'staging' }).target).toBe('goto');
});

test('npm test runs the self-tests and the browser login on the emulator, whatever the shell configures', () => {
  expect(plan({ npm_lifecycle_event: 'test', GOTO_TARGET: 'goto', GOTO_CLIENT_ID: 'a2094c4f' })).toEqual({
    target: 'emulator',
    selfTests: true,
    authorize: true,
    ui: false,
    writeChecks: true,
  });
});

test('npm test, or a GOTO_TARGET, picks the target without reading the env file', () => {
  const read: string[] = [];
  const fileValues = () => (read.push('.env'), { GOTO_CLIENT_ID: 'a2094c4f' });

  planRun({ env: { npm_lifecycle_event: 'test' }, argv: [], fileValues });
  planRun({ env: { GOTO_TARGET: 'emulator' }, argv: [], fileValues });
  expect(read, 'not read').toEqual([]);
  planRun({ env: {}, argv: [], fileValues });
  expect(read, 'read when nothing else decides').toEqual(['.env']);
});

for (const argv of [['--project=authorize'], ['--project', 'authorize'], ['-p', 'authorize']]) {
  test(`the browser login runs when asked for with ${argv.join(' ')}`, () => {
    expect(plan({ GOTO_CLIENT_ID: 'a2094c4f' }, argv)).toMatchObject({ target: 'goto', authorize: true });
  });
}

test('UI mode lists the browser login, to be picked', () => {
  expect(plan({}, ['--ui'])).toMatchObject({ authorize: true, ui: true });
  expect(plan({}, ['--ui-host=127.0.0.1', '--ui-port=0'])).toMatchObject({ authorize: true, ui: true });
});

test('another project name is not the browser login', () => {
  expect(plan({}, ['--project=collection']).authorize).toBe(false);
});

test('against GoTo the checks that write (@write) are left out unless --grep asks for them', () => {
  const configured = { GOTO_CLIENT_ID: 'a2094c4f' };
  expect(plan(configured).writeChecks).toBe(false);
  expect(plan(configured, ['--grep', '@tokens']).writeChecks).toBe(false);
  expect(plan(configured, ['--grep-invert', '@write']).writeChecks, 'inverting it is not asking for it').toBe(false);
  for (const argv of [['--grep', '@write'], ['--grep=@write'], ['-g', 'registers.*@write']]) {
    expect(plan(configured, argv).writeChecks, argv.join(' ')).toBe(true);
  }
});

test('on the emulator the checks that write run with the rest', () => {
  expect(plan().writeChecks).toBe(true);
  expect(plan({ npm_lifecycle_event: 'test', GOTO_CLIENT_ID: 'a2094c4f' }).writeChecks).toBe(true);
});
