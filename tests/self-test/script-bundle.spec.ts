import { execFileSync, spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from './fixtures';
import { copyCheckout } from './helpers/checkout-copy';
import { childEnv, repositoryRoot } from './helpers/child-env';

/*
 * lib/script-bundle.ts keeps the token custodian's bundle in a cache folder that several
 * checkouts of one machine may share: the node_modules that git worktrees link to, or the temp
 * folder when node_modules/.cache cannot be written. The custodian is the code that guards the
 * grant, so a checkout must run its own and never another's. Each copy of the checkout here
 * gets a custodian that says which copy it is (a line added to its
 * lib/custody/custodian-process.ts), and a small driver in the copy asks for a token request
 * through the product's own path (lib/custody/custodian-client.ts), with token requests off so
 * nothing is sent anywhere.
 */
// Each build bundles the custodian afresh: a minute on a quiet machine, several on a loaded one.
test.describe.configure({ timeout: 15 * 60_000 });

const custodianSource = 'lib/custody/custodian-process.ts';

/** The line each copy's custodian gets: on every plan, it first says whose it is. */
const markerLine = (copy: string) =>
  `\nprocess.on('message', () => process.send?.({ type: 'event', event: { type: 'copy', name: '${copy}' } }));\n`;

/** A node_modules folder of links to this checkout's packages, with a `.cache` of its own (or none that works). */
async function linkedModules(folder: string, cache: 'writable' | 'unusable'): Promise<string> {
  const real = await realpath(path.join(repositoryRoot, 'node_modules'));
  await mkdir(folder, { recursive: true });
  for (const entry of await readdir(real)) {
    if (entry !== '.cache') await symlink(path.join(real, entry), path.join(folder, entry));
  }
  // A file where the folder should be: no user, root included, can make node_modules/.cache/… here.
  if (cache === 'unusable') await writeFile(path.join(folder, '.cache'), 'not a folder\n');
  return folder;
}

async function checkoutCopy(folder: string, nodeModules: string, copy: string): Promise<string> {
  await copyCheckout(folder, { nodeModules });
  await appendFile(path.join(folder, custodianSource), markerLine(copy));
  return folder;
}

type Asked = { bundle: string; copies: string[]; error?: string };

/** In `checkout`: one token request in custody, as a run's worker asks for it; what the custodian said, and whose bundle it was. */
function askCustodian(checkout: string, tmp: string): Promise<Asked> {
  const driver = `
    const path = require('node:path');
    const { runInCustody } = require('./lib/custody/custodian-client');
    const { bundledScript } = require('./lib/script-bundle');
    const copies = [];
    const plan = {
      operation: { grant: 'refresh_token' },
      env: { GOTO_TARGET: 'emulator', GOTO_ENV_FILE: process.env.GOTO_ENV_FILE, GOTO_TOKEN_REQUESTS: 'off' },
      seen: { accessToken: null, authCode: null },
      lockTimeoutMs: 1000,
      sendOptions: {},
    };
    const onEvent = (event) => event.type === 'copy' && copies.push(event.name);
    const report = (error) => {
      let bundle = '';
      try { bundle = bundledScript(path.resolve('${custodianSource}')); } catch {}
      console.log(JSON.stringify({ bundle, copies, ...(error ? { error } : {}) }));
    };
    runInCustody(plan, onEvent).then(() => report(), (error) => report(error.code === 'TOKEN_REQUESTS_OFF' ? undefined : error.message));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', driver], {
      cwd: checkout,
      env: childEnv({ TMPDIR: tmp, GOTO_ENV_FILE: path.join(tmp, 'driver.env') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`the driver ended with ${code}:\n${output}`));
      else resolve(JSON.parse(line) as Asked);
    });
  });
}

const uid = process.getuid?.() ?? 'user';

for (const shared of [
  {
    title: 'a node_modules two worktrees link to (its .cache)',
    layout: async (scratch: string) => {
      const modules = await linkedModules(path.join(scratch, 'shared-node_modules'), 'writable');
      return {
        modules: { a: modules, b: modules },
        cache: path.join(modules, '.cache', 'goto-token-runner'),
      };
    },
  },
  {
    title: 'the temp folder, where node_modules/.cache cannot be written',
    layout: async (scratch: string) => ({
      modules: {
        a: await linkedModules(path.join(scratch, 'a-node_modules'), 'unusable'),
        b: await linkedModules(path.join(scratch, 'b-node_modules'), 'unusable'),
      },
      cache: path.join(scratch, 'tmp', `goto-token-runner-${uid}`),
    }),
  },
]) {
  test(`two checkouts of different code sharing one cache folder, ${shared.title}, each run their own custodian`, async ({}, testInfo) => {
    const scratch = testInfo.outputPath('machine');
    const tmp = path.join(scratch, 'tmp');
    await mkdir(tmp, { recursive: true });
    const { modules, cache } = await shared.layout(scratch);
    const a = await checkoutCopy(path.join(scratch, 'checkout-a'), modules.a, 'A');
    const b = await checkoutCopy(path.join(scratch, 'checkout-b'), modules.b, 'B');

    const first = await askCustodian(a, tmp);
    const second = await askCustodian(b, tmp);
    const again = await askCustodian(a, tmp);

    expect([first, second, again].map((asked) => asked.error)).toEqual([undefined, undefined, undefined]);
    expect(first.copies, 'checkout A ran its own custodian').toEqual(['A']);
    expect(second.copies, 'checkout B ran its own custodian, not A’s current bundle').toEqual(['B']);
    expect(again.copies, 'and A still runs its own').toEqual(['A']);
    expect(
      await Promise.all([first, second].map((asked) => realpath(path.dirname(asked.bundle)))),
      'both bundles are kept in the one shared folder',
    ).toEqual([await realpath(cache), await realpath(cache)]);
    expect(first.bundle).not.toBe(second.bundle);
  });
}

test('a checkout replaced in place by different code whose files keep their sizes and mtimes (cp -a, tar, npm’s tarballs) runs the new custodian', async ({}, testInfo) => {
  const scratch = testInfo.outputPath('machine');
  const tmp = path.join(scratch, 'tmp');
  await mkdir(tmp, { recursive: true });
  const modules = await linkedModules(path.join(scratch, 'node_modules'), 'unusable');
  const checkout = await checkoutCopy(path.join(scratch, 'checkout'), modules, 'A');
  const source = path.join(checkout, custodianSource);
  expect((await askCustodian(checkout, tmp)).copies).toEqual(['A']);

  // The other version, written over the same file (same inode): same length, and the old
  // mtime put back on it to the nanosecond (utimensat(2) through touch; utimes takes a double).
  const before = await stat(source, { bigint: true });
  await writeFile(source, (await readFile(path.join(repositoryRoot, custodianSource), 'utf8')) + markerLine('B'));
  const seconds = before.mtimeNs / 1_000_000_000n;
  const nanoseconds = String(before.mtimeNs % 1_000_000_000n).padStart(9, '0');
  execFileSync('touch', ['-m', '-d', `@${seconds}.${nanoseconds}`, source]);
  const after = await stat(source, { bigint: true });
  expect(
    [after.ino, after.size, after.mtimeNs],
    'nothing but the content (and ctime) tells the versions apart',
  ).toEqual([before.ino, before.size, before.mtimeNs]);

  expect((await askCustodian(checkout, tmp)).copies, 'the new code runs').toEqual(['B']);
});

test('a bundle folder in the temp folder that other users can write is not used, so nothing planted there runs', async ({}, testInfo) => {
  const scratch = testInfo.outputPath('machine');
  const tmp = path.join(scratch, 'tmp');
  await mkdir(tmp, { recursive: true });
  const modules = await linkedModules(path.join(scratch, 'node_modules'), 'unusable');
  const checkout = await checkoutCopy(path.join(scratch, 'checkout'), modules, 'A');
  const built = await askCustodian(checkout, tmp);
  expect(built.copies).toEqual(['A']);

  // Another user's code in place of the bundle the manifest names, in a folder anyone may write.
  await writeFile(
    built.bundle,
    `process.on('message', () => process.send({ type: 'event', event: { type: 'copy', name: 'planted' } }, () => process.exit(0)));\n`,
  );
  await chmod(path.dirname(built.bundle), 0o777);

  const asked = await askCustodian(checkout, tmp);

  expect(asked.copies, 'the planted code did not run').toEqual([]);
  expect(asked.error).toContain('No folder to keep bundled scripts in');
});

test('the bundles of a checkout that is gone are removed from the shared folder when another checkout builds', async ({}, testInfo) => {
  const scratch = testInfo.outputPath('machine');
  const tmp = path.join(scratch, 'tmp');
  await mkdir(tmp, { recursive: true });
  const modules = await linkedModules(path.join(scratch, 'shared-node_modules'), 'writable');
  const cache = path.join(modules, '.cache', 'goto-token-runner');
  const a = await checkoutCopy(path.join(scratch, 'checkout-a'), modules, 'A');
  const b = await checkoutCopy(path.join(scratch, 'checkout-b'), modules, 'B');
  const ofA = path.basename((await askCustodian(a, tmp)).bundle).slice(0, 9);
  const ofB = path.basename((await askCustodian(b, tmp)).bundle).slice(0, 9);
  const kept = async (prefix: string) => (await readdir(cache)).filter((file) => file.startsWith(prefix)).length;
  expect([await kept(ofA), await kept(ofB)], 'a manifest and a bundle each').toEqual([2, 2]);

  await rm(b, { recursive: true });
  // A comment: A builds again, to the same bundle.
  await appendFile(path.join(a, custodianSource), '// edited\n');
  expect((await askCustodian(a, tmp)).copies).toEqual(['A']);

  expect(await kept(ofB), 'the removed checkout’s files are gone').toBe(0);
  expect(await kept(ofA), 'A keeps its manifest and its bundle').toBe(2);
});
