import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'dotenv';
import fc from 'fast-check';
import { test, expect } from './fixtures';
import type { LockHolder } from '../../lib/env-file/env-file-lock';
import { updateEnvFile, withLockedEnvFile } from '../../lib/env-file/env-file-store';
import { readEnvFile, readEnvFileSync, readEnvValues } from '../../lib/env-file/env-reader';
import { applyEnvUpdates, type EnvUpdates } from '../../lib/env-file/env-text-editor';
import { serializeEnvValue } from '../../lib/env-file/env-value-spelling';
import { EnvFileError } from '../../lib/errors';
import { childEnv } from './helpers/child-env';

const projectRoot = join(__dirname, '..', '..');
const fixtureFolder = join(projectRoot, 'tests', 'env-files');
const moduleUnderTest = join(projectRoot, 'lib', 'env-file', 'env-file-store.ts');

/** Looks like a GoTo token (a JWT) without being one; `seed` keeps tokens distinct. */
function fakeJwt(seed: string, length = 180): string {
  const body = Buffer.from(JSON.stringify({ typ: 'a', seed })).toString('base64url');
  return `eyJhbGciOiJSUzUxMiJ9.${body}.${'x'.repeat(Math.max(0, length - body.length - 22))}`;
}

/** A fixture copied to this test's output folder, with the mode it should start with. */
async function copyFixture(name: string, mode = 0o600): Promise<{ path: string; folder: string; before: Buffer }> {
  const folder = test.info().outputPath('env');
  await fs.mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await fs.copyFile(join(fixtureFolder, name), path);
  await fs.chmod(path, mode);
  return { path, folder, before: await fs.readFile(path) };
}

const readText = (path: string) => fs.readFile(path, 'utf8');
const modeOf = async (path: string) => (await fs.stat(path)).mode & 0o777;
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Runs a script in a separate Node process that loads the module under test. */
async function runNode(
  script: string,
  job: object,
  options: { uid?: number; gid?: number } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // ts-node loads the module under test with its imports, as the collection does.
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script, JSON.stringify({ module: moduleUnderTest, ...job })],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childEnv({}),
        ...options,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The child's side: apply the updates one by one, report the error code if one fails. */
const updateInChild = `
  const job = JSON.parse(process.argv[1]);
  const { updateEnvFile } = require(job.module);
  (async () => { for (const [key, value] of job.updates) await updateEnvFile(job.path, { [key]: value }); })()
    .then(() => process.stdout.write('ok'), (error) => process.stdout.write(JSON.stringify({ code: error.code, message: error.message })));
`;

test.describe('editing in place', () => {
  test('replaces a token in place and keeps every other line byte for byte', async () => {
    const { path, before } = await copyFixture('comments-and-blanks.env');
    const token = fakeJwt('new');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: token });
    const expected = before.toString('utf8').replace(/^GOTO_ACCESS_TOKEN=.*$/m, `GOTO_ACCESS_TOKEN=${token}`);
    expect(await readText(path), 'only the value of GOTO_ACCESS_TOKEN differs').toBe(expected);
  });

  test('fills in a key defined with an empty value where it stands', async () => {
    const { path, before } = await copyFixture('comments-and-blanks.env');
    await updateEnvFile(path, { GOTO_REFRESH_TOKEN: 'example-refresh-2' });
    const expected = before.toString('utf8').replace('GOTO_REFRESH_TOKEN=\n', 'GOTO_REFRESH_TOKEN=example-refresh-2\n');
    expect(await readText(path), 'the value goes right after "=", not to the end of the file').toBe(expected);
  });

  for (const { name, lineBreak, addsBreakFirst } of [
    { name: 'comments-and-blanks.env', lineBreak: '\n', addsBreakFirst: false },
    { name: 'no-trailing-newline.env', lineBreak: '\n', addsBreakFirst: true },
    { name: 'crlf.env', lineBreak: '\r\n', addsBreakFirst: false },
  ]) {
    test(`appends a new key after the last line of ${name}, in its line-ending style`, async () => {
      const { path, before } = await copyFixture(name);
      await updateEnvFile(path, { GOTO_PRINCIPAL: 'someone@example.com' });
      const added = `${addsBreakFirst ? lineBreak : ''}GOTO_PRINCIPAL=someone@example.com${lineBreak}`;
      expect(await readText(path), 'the old text is a prefix, the new line follows it').toBe(
        before.toString('utf8') + added,
      );
    });
  }

  test('removes every line that defines a key when its update is null', async () => {
    const { path } = await copyFixture('duplicates.env');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: null });
    expect(await readText(path), 'all three definitions are gone; comments stay').toBe(
      [
        'GOTO_CLIENT_ID=example-client-id',
        '# dotenv keeps the last definition of a key',
        'GOTO_REFRESH_TOKEN=example-refresh',
        '',
      ].join('\n'),
    );
    expect((await readEnvFile(path)).values, 'dotenv no longer sees the key').not.toHaveProperty('GOTO_ACCESS_TOKEN');
  });

  test('updates the definition dotenv reads (the last) and leaves earlier duplicates alone', async () => {
    const { path, before } = await copyFixture('duplicates.env');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'fourth' });
    const expected = before
      .toString('utf8')
      .replace(
        'GOTO_ACCESS_TOKEN=third-and-used # the one dotenv reads',
        'GOTO_ACCESS_TOKEN=fourth # the one dotenv reads',
      );
    expect(await readText(path), 'only the last definition changed, its comment kept').toBe(expected);
    expect(parse(await readText(path)).GOTO_ACCESS_TOKEN, 'dotenv reads the new value').toBe('fourth');
  });

  test('keeps CRLF line endings, also inside a value that spans lines', async () => {
    const { path, before } = await copyFixture('crlf.env');
    // A literal backslash-n rules out double quotes, so the line break is written raw.
    const multiLine = 'C:\\new\nsecond line';
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'eyJ.new.token', GOTO_NOTES: multiLine });
    const after = await readText(path);
    expect(after, 'no line ends with a bare LF').not.toMatch(/(?<!\r)\n/);
    expect(after, 'the other lines are untouched').toBe(
      before
        .toString('utf8')
        .replace(/GOTO_ACCESS_TOKEN=[^\r]*/, 'GOTO_ACCESS_TOKEN=eyJ.new.token')
        .concat("GOTO_NOTES='C:\\new\r\nsecond line'\r\n"),
    );
    expect(parse(after).GOTO_NOTES, 'dotenv reads LF inside the value, as written').toBe(multiLine);
  });

  test('keeps the byte order mark at the start of the file', async () => {
    const { path, before } = await copyFixture('bom.env');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'eyJ.new.token', GOTO_SCOPE: 'collab:' });
    const after = await fs.readFile(path);
    expect([...after.subarray(0, 3)], 'the UTF-8 BOM is still the first three bytes').toEqual([0xef, 0xbb, 0xbf]);
    expect(after.toString('utf8'), 'the first line keeps its bytes').toBe(
      before.toString('utf8').replace(/GOTO_ACCESS_TOKEN=.*/, 'GOTO_ACCESS_TOKEN=eyJ.new.token') +
        'GOTO_SCOPE=collab:\n',
    );
    expect(parse(after).GOTO_CLIENT_ID, 'dotenv still reads the key after the BOM').toBe('example-client-id');
  });

  test('keeps the export prefix, the spacing around "=", a colon separator and trailing comments', async () => {
    const { path, before } = await copyFixture('export-and-quotes.env');
    await updateEnvFile(path, {
      GOTO_CLIENT_SECRET: 'another secret',
      GOTO_TOKEN_EXPIRES_AT: '2024-05-01T11:00:00.000Z',
      GOTO_PRINCIPAL: 'other@example.com',
    });
    expect(await readText(path)).toBe(
      before
        .toString('utf8')
        .replace(
          'export   GOTO_CLIENT_SECRET = "example secret with spaces"',
          'export   GOTO_CLIENT_SECRET = "another secret"',
        )
        .replace('"2024-05-01T10:00:00.000Z" # ISO time, UTC', '"2024-05-01T11:00:00.000Z" # ISO time, UTC')
        .replace('GOTO_PRINCIPAL: someone@example.com', 'GOTO_PRINCIPAL: other@example.com'),
    );
  });

  for (const { quote, key, line } of [
    { quote: 'no quotes', key: 'GOTO_CLIENT_ID', line: 'export GOTO_CLIENT_ID=eyJ.new-value_1' },
    { quote: 'double quotes', key: 'GOTO_SCOPE', line: 'GOTO_SCOPE="eyJ.new-value_1"' },
    { quote: 'single quotes', key: 'GOTO_ACCESS_TOKEN', line: "GOTO_ACCESS_TOKEN='eyJ.new-value_1'" },
    { quote: 'backticks', key: 'GOTO_REFRESH_TOKEN', line: 'GOTO_REFRESH_TOKEN=`eyJ.new-value_1`' },
  ]) {
    test(`keeps ${quote} around a value when the new value fits them`, () => {
      const text = readFileSync(join(fixtureFolder, 'export-and-quotes.env'), 'utf8');
      const after = applyEnvUpdates(text, { [key]: 'eyJ.new-value_1' });
      expect(after.split('\n'), `the ${key} line keeps its quote style`).toContain(line);
    });
  }

  test('changes the quote style only when the old one cannot hold the new value', () => {
    const after = applyEnvUpdates("A='old'\nB='old'\n", { A: "it's # here", B: 'fits' });
    expect(after, "a single quote and '#' force double quotes; B keeps its single quotes").toBe(
      "A=\"it's # here\"\nB='fits'\n",
    );
  });

  test('replaces a multi-line value without touching the lines around it', async () => {
    const { path, before } = await copyFixture('multiline.env');
    const pem = '-----BEGIN EXAMPLE-----\nbmV3\n-----END EXAMPLE-----';
    await updateEnvFile(path, { GOTO_NOTES: 'now one line', GOTO_PEM: pem });
    const after = await readText(path);
    expect(after, 'the three-line GOTO_NOTES became one line; GOTO_PEM keeps single quotes and raw line breaks').toBe(
      before
        .toString('utf8')
        .replace(/GOTO_NOTES="[^"]*"/, 'GOTO_NOTES="now one line"')
        .replace(/GOTO_PEM='[^']*'/, `GOTO_PEM='${pem}'`),
    );
    expect(parse(after), 'dotenv reads both, and the rest as before').toEqual({
      ...parse(before),
      GOTO_NOTES: 'now one line',
      GOTO_PEM: pem,
    });
  });

  test('removes a definition that spans lines entirely', async () => {
    const { path, before } = await copyFixture('multiline.env');
    await updateEnvFile(path, { GOTO_PEM: null, GOTO_TICKS: null });
    expect(await readText(path), 'all lines of both values are gone, nothing else').toBe(
      before
        .toString('utf8')
        .replace(/GOTO_PEM='[^']*'\n/, '')
        .replace(/GOTO_TICKS=`[^`]*`\n/, ''),
    );
  });
});

test.describe('values', () => {
  const base = readFileSync(join(fixtureFolder, 'comments-and-blanks.env'), 'utf8');
  for (const [what, value] of [
    ['a 2,000-character JWT', fakeJwt('long', 2000)],
    ['an ISO time', '2024-05-01T10:00:00.000Z'],
    ['an email', 'someone+goto@example.com'],
    ['a 19-digit organizer key', '9223372036854775807'],
    ['a space-separated scope', 'collab: identity:scim.me'],
    ['a value with "#"', 'abc#def'],
    ['a value with "="', 'a=b=c'],
    ['a value with blanks around it', '  padded  '],
    ['a value with each quote character', `it's "quoted" \`too\``],
    ['a value that looks quoted', "'wrapped'"],
    ['a value with a line break', 'first\nsecond'],
    ['a value with a CRLF', 'first\r\nsecond'],
    ['a value with a literal backslash-n', 'C:\\new'],
    ['a value ending in a backslash', 'trailing\\'],
    ['a value with a line break and a final backslash', 'one\ntwo\\'],
    ['a unicode value', 'Grüße 🙂 \u2028 done'],
    ['an empty value', ''],
  ] as const) {
    test(`writes ${what} so that dotenv reads it back unchanged`, () => {
      for (const key of ['GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN', 'GOTO_NEW_KEY']) {
        const after = applyEnvUpdates(base, { [key]: value });
        expect(parse(after), `${key} (existing, empty or new) reads back; every other key is unchanged`).toEqual({
          ...parse(base),
          [key]: value,
        });
      }
      expect(parse(`K=${serializeEnvValue(value)}`).K, 'serializeEnvValue alone round-trips too').toBe(value);
    });
  }

  test('writes a value that leaves a quote open last, so no line of the same update can close it', () => {
    // 'one\ntwo\' needs quotes and ends in a backslash: every spelling ends in an escaped
    // quote, which a later line ending in that quote would close; "closes" is such a line.
    const after = applyEnvUpdates('A=1\n', { GOTO_OPEN: 'one\ntwo\\', GOTO_CLOSES: 'closes"' });
    expect(parse(after), 'both read back although GOTO_OPEN was listed first').toEqual({
      A: '1',
      GOTO_OPEN: 'one\ntwo\\',
      GOTO_CLOSES: 'closes"',
    });
    expect(after.endsWith('GOTO_OPEN="one\\ntwo\\"\n'), 'GOTO_OPEN went to the end').toBe(true);
  });

  test('picks a spelling that cannot close a quote left open elsewhere in the file', () => {
    // dotenv reads A as `"open` only because no later line ends in a double quote.
    const text = 'A="open\nB=1\n';
    const after = applyEnvUpdates(text, { C: 'ends with "' });
    expect(parse(after), 'A and B read as before').toEqual({ A: '"open', B: '1', C: 'ends with "' });
    expect(after, 'the plain spelling would have ended the line in a quote').toBe(`${text}C="ends with ""\n`);
  });

  for (const [what, value] of [
    ['all three quote characters and "#"', `'"\`#`],
    ['a line break, a literal backslash-n, a single quote and a backtick', "'`\n\\n"],
    ['a carriage return, a double quote and "#"', 'a\r"#'],
    ['a carriage return and a literal backslash-n', 'a\r\\n'],
    ['an unpaired surrogate', 'a\ud800b'],
  ] as const) {
    test(`refuses a value with ${what}, which no dotenv syntax reads back`, () => {
      const error = thrown(() => serializeEnvValue(value));
      expect(error, 'an EnvFileError').toBeInstanceOf(EnvFileError);
      expect((error as EnvFileError).code).toBe('ENV_FILE_UNREPRESENTABLE_VALUE');
    });
  }

  test('refuses an unrepresentable value naming the file and key but never the value, leaving the file identical', async () => {
    const { path, folder, before } = await copyFixture('comments-and-blanks.env');
    const secret = `'"\`#not-for-logs`;
    const error = await caught(updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'fine', GOTO_CLIENT_SECRET: secret }));
    expect(error).toBeInstanceOf(EnvFileError);
    expect((error as EnvFileError).code).toBe('ENV_FILE_UNREPRESENTABLE_VALUE');
    expect((error as EnvFileError).message, 'names the key and the file').toContain('"GOTO_CLIENT_SECRET"');
    expect((error as EnvFileError).message).toContain(path);
    expect((error as EnvFileError).message, 'never the value').not.toContain('not-for-logs');
    expect(await fs.readFile(path), 'no update was written, not even the representable one').toEqual(before);
    expect(await fs.readdir(folder), 'no temp or lock file left').toEqual(['comments-and-blanks.env']);
  });

  for (const key of ['HAS SPACE', 'ÜBER', '', 'A=B', '__proto__']) {
    test(`rejects the key name ${JSON.stringify(key)}, which dotenv cannot read back`, async () => {
      const { path, folder, before } = await copyFixture('duplicates.env');
      const error = await caught(updateEnvFile(path, { [key]: 'value' }));
      expect((error as EnvFileError).code).toBe('ENV_FILE_INVALID_KEY');
      expect(await fs.readFile(path), 'the file is untouched').toEqual(before);
      expect(await fs.readdir(folder), 'not even a lock was taken').toEqual(['duplicates.env']);
    });
  }
});

test.describe('the file', () => {
  test('the one reader names the file and the system code, never a value, when the file cannot be read', async ({}, testInfo) => {
    const folder = testInfo.outputPath('a-folder.env');
    await fs.mkdir(folder, { recursive: true });

    const reads: (() => unknown)[] = [
      () => readEnvValues(folder),
      () => readEnvFileSync(folder),
      () => readEnvFile(folder),
    ];
    for (const read of reads) {
      const error = await Promise.resolve()
        .then(read)
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error, 'an unreadable env file is an error, not an empty file').toBeInstanceOf(EnvFileError);
      expect((error as EnvFileError).code).toBe('ENV_FILE_READ_FAILED');
      expect((error as EnvFileError).message).toBe(
        `Could not read ${JSON.stringify(folder)} (EISDIR).\nWhat to do: point GOTO_ENV_FILE at a file, not a folder.`,
      );
    }
    expect(readEnvValues(testInfo.outputPath('missing.env')), 'a missing file holds nothing').toEqual({});
  });

  test('reads a missing file as an empty one', async () => {
    const result = await readEnvFile(test.info().outputPath('missing.env'));
    expect(result).toEqual({ exists: false, text: '', values: {} });
  });

  for (const name of ['bom.env', 'crlf.env', 'duplicates.env', 'export-and-quotes.env', 'multiline.env']) {
    test(`reads ${name} exactly as dotenv.parse does`, async () => {
      const result = await readEnvFile(join(fixtureFolder, name));
      const bytes = await fs.readFile(join(fixtureFolder, name));
      expect(result.text, 'the text keeps every byte, BOM included').toBe(bytes.toString('utf8'));
      expect(result.values).toEqual(parse(bytes));
    });
  }

  for (const { state, mode } of [
    { state: 'a missing file', mode: undefined },
    { state: 'a 0600 file', mode: 0o600 },
    { state: 'a 0644 file', mode: 0o644 },
  ]) {
    test(`leaves ${state} at mode 0600 after a write`, async () => {
      const path =
        mode === undefined
          ? test.info().outputPath('created.env')
          : (await copyFixture('comments-and-blanks.env', mode)).path;
      await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'eyJ.new.token' });
      expect(await modeOf(path), 'only the owner can read the tokens').toBe(0o600);
      expect(parse(await readText(path)).GOTO_ACCESS_TOKEN).toBe('eyJ.new.token');
    });
  }

  test('leaves the file at mode 0600 when the umask strips the owner’s own bits from the mode it is created with', async () => {
    const path = test.info().outputPath('created.env');
    // open(2) applies the umask to the 0600 the temp file is created with: 0277 leaves 0400.
    const umask = process.umask(0o277);
    try {
      await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'eyJ.new.token' });
    } finally {
      process.umask(umask);
    }
    expect(await modeOf(path), 'the owner can still write it, and nobody else can read it').toBe(0o600);
  });

  test('leaves no temporary or lock file next to the env file after a write', async () => {
    const { path, folder } = await copyFixture('comments-and-blanks.env');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'one', GOTO_NEW: 'two' });
    await updateEnvFile(path, { GOTO_NEW: null });
    expect(await fs.readdir(folder)).toEqual(['comments-and-blanks.env']);
  });

  test('writes through a symlink to its target and keeps the link', async () => {
    const { path, folder } = await copyFixture('comments-and-blanks.env');
    const link = join(folder, '.env');
    await fs.symlink(path, link);
    await updateEnvFile(link, { GOTO_ACCESS_TOKEN: 'through-the-link' });
    expect((await fs.lstat(link)).isSymbolicLink(), '.env is still a link').toBe(true);
    expect(parse(await readText(path)).GOTO_ACCESS_TOKEN, 'the target got the value').toBe('through-the-link');
  });

  test('refuses to rewrite a file that is not valid UTF-8, leaving it identical', async () => {
    const path = join(test.info().outputPath('env'), 'latin1.env');
    await fs.mkdir(test.info().outputPath('env'), { recursive: true });
    const before = Buffer.from('GOTO_NOTE=caf\xe9\nGOTO_ACCESS_TOKEN=old\n', 'latin1');
    await fs.writeFile(path, before, { mode: 0o600 });
    const error = await caught(updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'new' }));
    expect((error as EnvFileError).code, 'decoding would have replaced the é byte').toBe('ENV_FILE_NOT_UTF8');
    expect(await fs.readFile(path)).toEqual(before);
  });

  test('leaves the file byte-identical and no temporary file when the folder refuses the write', async () => {
    const folder = test.info().outputPath('guarded');
    await fs.mkdir(folder);
    const path = join(folder, '.env');
    await fs.copyFile(join(fixtureFolder, 'comments-and-blanks.env'), path);
    const before = await fs.readFile(path);
    let code: string | undefined;
    if (process.getuid?.() === 0) {
      // Root ignores folder permissions, so run the writer as `nobody` in a sticky folder (as
      // /tmp is): it may create the lock and temp files, but not rename over root's file.
      await fs.chmod(path, 0o644);
      await fs.chmod(folder, 0o1777);
      const child = await runNode(
        updateInChild,
        { path, updates: [['GOTO_ACCESS_TOKEN', 'new']] },
        { uid: 65534, gid: 65534 },
      );
      expect(child.stderr, 'the child ran').toBe('');
      code = (JSON.parse(child.stdout) as { code: string }).code;
    } else {
      await fs.chmod(folder, 0o555);
      code = ((await caught(updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'new' }))) as EnvFileError).code;
      await fs.chmod(folder, 0o755);
    }
    expect(code).toBe('ENV_FILE_WRITE_FAILED');
    expect(await fs.readFile(path), 'the original is byte-identical').toEqual(before);
    expect(await fs.readdir(folder), 'the temp file and the lock were cleaned up').toEqual(['.env']);
  });
});

test.describe('the lock', () => {
  const lockOf = (path: string, owner: object) => fs.writeFile(`${path}.lock`, JSON.stringify(owner));

  test('gives up with ENV_FILE_LOCKED after a bounded wait while a live writer holds the lock', async () => {
    const { path, folder, before } = await copyFixture('comments-and-blanks.env');
    await lockOf(path, { pid: process.pid, host: hostname(), created: Date.now(), token: 'someone-else' });
    const notices: LockHolder[] = [];

    const error = await caught(
      updateEnvFile(
        path,
        { GOTO_ACCESS_TOKEN: 'new' },
        // The notice comes halfway: a writer that gave up at once would never have sent it.
        { lockTimeoutMs: 200, waitNoticeMs: 100, onWait: (holder) => notices.push(holder) },
      ),
    );

    expect((error as EnvFileError).code).toBe('ENV_FILE_LOCKED');
    expect(
      notices.map((holder) => holder.pid),
      'it waited for the live holder before giving up',
    ).toEqual([process.pid]);
    expect(await fs.readFile(path), 'the file is byte-identical').toEqual(before);
    expect((await fs.readdir(folder)).sort(), "the other writer's lock stays; no temp file").toEqual([
      'comments-and-blanks.env',
      'comments-and-blanks.env.lock',
    ]);
  });

  for (const { left, owner, silentForMs } of [
    {
      left: 'a process that has exited',
      owner: async () => ({ pid: await exitedPid(), host: hostname(), created: Date.now() }),
      silentForMs: 0,
    },
    {
      left: 'a live process that stopped renewing it',
      owner: () => Promise.resolve({ pid: process.pid, host: hostname(), created: Date.now() - 60_000 }),
      silentForMs: 60_000,
    },
  ]) {
    test(`breaks a stale lock left by ${left}`, async () => {
      const { path, folder } = await copyFixture('comments-and-blanks.env');
      await lockOf(path, { ...(await owner()), token: 'stale' });
      const lastSign = new Date(Date.now() - silentForMs);
      await fs.utimes(`${path}.lock`, lastSign, lastSign);
      await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'after-stale' }, { lockTimeoutMs: 1_000 });
      expect(parse(await readText(path)).GOTO_ACCESS_TOKEN).toBe('after-stale');
      expect(await fs.readdir(folder), 'the stale lock is gone').toEqual(['comments-and-blanks.env']);
    });
  }

  test('breaks a stale lock that never got its owner written, judging its age by mtime', async () => {
    const { path } = await copyFixture('comments-and-blanks.env');
    await fs.writeFile(`${path}.lock`, '');
    const longAgo = new Date(Date.now() - 60_000);
    await fs.utimes(`${path}.lock`, longAgo, longAgo);
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'after-empty-lock' }, { lockTimeoutMs: 1_000 });
    expect(parse(await readText(path)).GOTO_ACCESS_TOKEN).toBe('after-empty-lock');
  });

  test('names the holder and what it does when it gives up, and says so once while it waits', async () => {
    const { path } = await copyFixture('comments-and-blanks.env');
    await lockOf(path, {
      pid: process.pid,
      host: hostname(),
      created: Date.parse('2026-12-01T10:00:01Z'),
      token: 'other-run',
      purpose: 'refresh the access token',
    });
    const notices: LockHolder[] = [];

    const error = await caught(
      updateEnvFile(
        path,
        { GOTO_ACCESS_TOKEN: 'new' },
        { lockTimeoutMs: 300, waitNoticeMs: 50, onWait: (holder) => notices.push(holder) },
      ),
    );

    const holder = {
      lockFile: `${path}.lock`,
      pid: process.pid,
      host: hostname(),
      since: '2026-12-01T10:00:01.000Z',
      purpose: 'refresh the access token',
    };
    expect(notices, 'one notice, naming the holder').toEqual([holder]);
    expect((error as EnvFileError).message).toContain(
      `is locked by process ${process.pid} on ${hostname()} (refresh the access token, since 10:00:01 UTC)`,
    );
    expect((error as EnvFileError).message).toContain(JSON.stringify(`${path}.lock`));
  });

  test('a lock it cannot create is named where it is: next to the file a symlinked env file points to', async () => {
    const folder = test.info().outputPath('env');
    await fs.mkdir(folder, { recursive: true });
    // A name of 255 bytes, the most a name may have: the file exists, but its lock's name is
    // too long (ENAMETOOLONG), which fails for root too, as a read-only folder would not.
    const target = join(folder, `${'t'.repeat(251)}.env`);
    await fs.copyFile(join(fixtureFolder, 'comments-and-blanks.env'), target);
    const link = join(folder, '.env');
    await fs.symlink(target, link);

    const error = (await caught(updateEnvFile(link, { GOTO_ACCESS_TOKEN: 'new' }))) as EnvFileError;

    expect(error).toMatchObject({
      code: 'ENV_FILE_WRITE_FAILED',
      operation: 'create-lock',
      reason: 'ENAMETOOLONG',
      path: link,
      lockFile: `${target}.lock`,
    });
    expect(error.message).toContain(`Could not create the lock file ${JSON.stringify(`${target}.lock`)}`);
    expect(error.message).not.toContain(JSON.stringify(`${link}.lock`));
  });

  test('a holder that keeps the lock longer than staleLockMs renews it, so waiters wait instead of breaking it', async () => {
    const { path } = await copyFixture('comments-and-blanks.env');
    let waiterDone = false;
    let waiter: Promise<void> | undefined;

    await withLockedEnvFile(path, { staleLockMs: 2_000 }, async (file) => {
      waiter = updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'second' }, { staleLockMs: 2_000, lockTimeoutMs: 60_000 }).then(
        () => {
          waiterDone = true;
        },
      );
      // Held for several stale periods: only renewal keeps the waiter out.
      for (let renewals = 0; renewals < 4; renewals++) {
        const before = (await fs.stat(`${path}.lock`)).mtimeMs;
        await expect
          .poll(async () => (await fs.stat(`${path}.lock`)).mtimeMs, { intervals: [20] })
          .toBeGreaterThan(before);
      }
      expect(waiterDone, 'the waiter is still waiting').toBe(false);
      await file.update({ GOTO_ACCESS_TOKEN: 'first' });
    });
    await waiter;

    expect(parse(await readText(path)).GOTO_ACCESS_TOKEN, 'the waiter wrote after the holder').toBe('second');
  });

  // Writers in separate processes, and writers killed mid-update: env-file-durability.spec.ts.
  test('serialises 8 concurrent writers in one process so that no update is lost', async () => {
    const { path, before } = await copyFixture('comments-and-blanks.env');
    const updates = Array.from({ length: 8 }, (_, i) => [`GOTO_WRITER_${i}`, fakeJwt(`writer-${i}`)] as const);
    await Promise.all(updates.map(([key, value]) => updateEnvFile(path, { [key]: value })));
    expect(parse(await readText(path)), 'every writer read the file after the previous one wrote it').toEqual({
      ...parse(before),
      ...Object.fromEntries(updates),
    });
  });
});

/** The pid of a process that has certainly exited (ours just did). */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

test.describe('randomised', () => {
  const keys = ['A', 'GOTO_ACCESS_TOKEN', 'GOTO_REFRESH_TOKEN', 'x.y-z'];
  const newKeys = ['GOTO_NEW', 'GOTO_EXPIRES_AT'];
  // Lines as people write them: strings define nothing, functions define a key. A `\n`
  // inside becomes the file's line break.
  const lines: (string | ((key: string) => string))[] = [
    '# a comment',
    '   # indented comment with "quotes" and \'more\'',
    '#GOTO_ACCESS_TOKEN=commented-out',
    '',
    '   ',
    (k) => `${k}=plain-value`,
    (k) => `export ${k}=exported`,
    (k) => `${k} = spaced out`,
    (k) => `${k}="double # not a comment"`,
    (k) => `${k}='single'   # comment`,
    (k) => `${k}=\`backtick\``,
    (k) => `${k}=`,
    (k) => `${k}=value # comment`,
    (k) => `${k}: colon`,
    (k) => `${k}="multi\nline"`,
    (k) => `${k}='two\nlines # inside'`,
    (k) => `${k}=\`tick\nline = two\``,
    (k) => `export ${k}="exported\nacross # lines"`,
    (k) => `${k}=a=b==c`,
    (k) => `${k}=abc#def`,
    (k) => `${k}=url?x=1#frag # comment`,
    (k) => `export ${k}='q=1&r=2 # not a comment'`,
    (k) => `${k}="escaped\\nbreak"`,
    (k) => `${k}=${fakeJwt(k, 60)}`,
  ];
  const alphabet = [...'abcXYZ019._-', ' ', '\t', '#', '=', "'", '"', '`', '\\', 'n', '\n', '\r', 'é', '🙂', '\u2028'];

  type Entry = { text: string; key?: string };
  type Case = { lineBreak: string; entries: Entry[]; updates: EnvUpdates };

  // fast-check builds the files and shrinks a failure to the smallest file and updates that
  // still fail, printed with the seed that replays it.
  const lineBreak = fc.constantFrom('\n', '\r\n', '\r');
  const line = fc
    .tuple(fc.nat({ max: lines.length - 1 }), fc.constantFrom(...keys))
    .map(([index, key]): { written: string; key?: string } => {
      const chosen = lines[index]!;
      return typeof chosen === 'string' ? { written: chosen } : { written: chosen(key), key };
    });
  const value = fc.option(
    fc.array(fc.constantFrom(...alphabet), { maxLength: 11 }).map((chars) => chars.join('')),
    { freq: 5 },
  );
  const updates = fc.dictionary(fc.constantFrom(...keys, ...newKeys), value, { minKeys: 1, maxKeys: 3 });
  const envCase: fc.Arbitrary<Case> = fc
    .record({
      lineBreak,
      bom: fc.boolean(),
      lines: fc.array(line, { maxLength: 7 }),
      cutLastBreak: fc.boolean(),
      updates,
    })
    .map(({ lineBreak, bom, lines, cutLastBreak, updates }) => {
      const entries: Entry[] = bom ? [{ text: '\uFEFF' }] : [];
      for (const { written, key } of lines)
        entries.push({ text: written.replace(/\n/g, lineBreak) + lineBreak, ...(key ? { key } : {}) });
      const last = entries.at(-1);
      if (last && cutLastBreak) last.text = last.text.replace(/\r?\n$|\r$/, '');
      return { lineBreak, entries, updates: updates };
    });

  // ENV_FILE_SEED and ENV_FILE_CASES replay a failure or explore further.
  const seed = Number(process.env.ENV_FILE_SEED ?? 20240501);
  const cases = Number(process.env.ENV_FILE_CASES ?? 300);

  /** What is wrong with one case, or undefined; `written` counts the cases that were written. */
  function problemWith({ lineBreak, entries, updates }: Case, counts: { written: number }): string | undefined {
    const text = entries.map((e) => e.text).join('');
    let after: string;
    try {
      after = applyEnvUpdates(text, updates);
    } catch (error) {
      const values = Object.values(updates).filter((v): v is string => v !== null);
      const writable = (v: string) => thrown(() => serializeEnvValue(v)) === undefined;
      const code = (error as EnvFileError).code;
      // A refusal is right only for a value no dotenv syntax holds, or next to one whose
      // every spelling leaves a quote open (a line break plus a final backslash, say),
      // which a later line ending in that quote would close.
      const leavesQuoteOpen = (v: string) => parse(`K=${serializeEnvValue(v)}\n"\n'\n\`\n`).K !== v;
      const rightRefusal =
        code === 'ENV_FILE_UNREPRESENTABLE_VALUE'
          ? !values.every(writable)
          : code === 'ENV_FILE_UNSAFE_EDIT' && values.some((v) => writable(v) && leavesQuoteOpen(v));
      return rightRefusal ? undefined : `refused with ${code} though every value has a spelling`;
    }
    counts.written += 1;

    const expected: Record<string, string> = { ...parse(text) };
    for (const [key, value] of Object.entries(updates)) {
      if (value === null) delete expected[key];
      else expected[key] = value;
    }
    if (!isDeepStrictEqual(parse(after), expected)) return 'dotenv does not read the old values plus the updates';

    // The result must be the untouched entries, in order and verbatim, with other text only
    // where a touched entry stood or after the end (a new key).
    const lastDefinition = new Map(entries.flatMap((e, i) => (e.key ? [[e.key, i] as const] : [])));
    const touched = (e: Entry, i: number) =>
      e.key !== undefined && e.key in updates && (updates[e.key] === null || lastDefinition.get(e.key) === i);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const anything = '[\\s\\S]*?';
    let pattern = '';
    entries.forEach(
      (e, i) => (pattern += touched(e, i) ? (pattern.endsWith(anything) ? '' : anything) : escape(e.text)),
    );
    if (Object.keys(updates).some((k) => !lastDefinition.has(k) && updates[k] !== null)) pattern += anything;
    if (!new RegExp(`^${pattern}$`).test(after)) return 'an untouched line moved or changed';

    if (/[\r\n]/.test(text)) {
      // (a file without a line break has no style to keep)
      const foreignBreak = { '\n': /\r/, '\r\n': /\r(?!\n)|(?<!\r)\n/, '\r': /\n/ }[lineBreak]!;
      if (foreignBreak.test(after)) return `a line break is not ${JSON.stringify(lineBreak)}`;
    }
    return undefined;
  }

  test(`keeps untouched lines byte for byte and reads back old values plus updates, for ${cases} random files`, () => {
    const counts = { written: 0 };
    // One expect() for the whole run: hundreds would each become a reported step.
    const result = fc.check(
      fc.property(envCase, (one) => problemWith(one, counts) === undefined),
      { seed, numRuns: cases },
    );
    const smallest = result.counterexample?.[0];
    expect(
      result.failed
        ? `${problemWith(smallest!, { written: 0 })}: ${JSON.stringify({ text: smallest!.entries.map((e) => e.text).join(''), updates: smallest!.updates })} (seed ${seed}, path ${result.counterexamplePath})`
        : 'every case passed',
      'every case keeps the file and reads back as intended',
    ).toBe('every case passed');
    expect(counts.written, 'most random cases were representable and written').toBeGreaterThan(cases * 0.8);
  });
});
