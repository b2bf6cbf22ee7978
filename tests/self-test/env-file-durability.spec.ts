import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'dotenv';
import { test, expect } from './fixtures';
import { writeAtomically, type AtomicWriteFileSystem, type AtomicWriteHandle } from '../../lib/env-file/atomic-write';
import { updateEnvFile } from '../../lib/env-file/env-file-store';
import { bundledScript, bundleNodePath } from '../../lib/script-bundle';
import { childEnv } from './helpers/child-env';

/**
 * The crash-safe .env (issue 4), proven with real processes: a writer killed at any moment
 * leaves the old file or the new one, never a mix; what it left behind does not stop the
 * next writer; and concurrent writers in separate processes lose no update. A kill cannot
 * show what a power cut would lose (the kernel still writes back its page cache), so the
 * fsyncs that guard against one are proven by the calls the atomic write makes.
 */

const projectRoot = join(__dirname, '..', '..');
const fixtureFolder = join(projectRoot, 'tests', 'env-files');
const writerScript = join(__dirname, 'helpers', 'env-file-writer.ts');

/** A fixture copied to this test's output folder at mode 0600. */
async function copyFixture(name: string): Promise<{ path: string; folder: string; before: string }> {
  const folder = test.info().outputPath('env');
  await fs.mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await fs.copyFile(join(fixtureFolder, name), path);
  await fs.chmod(path, 0o600);
  return { path, folder, before: await fs.readFile(path, 'utf8') };
}

const modeOf = async (path: string) => (await fs.stat(path)).mode & 0o777;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pid of a process that has certainly exited (ours just did). */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

/** tests/self-test/helpers/env-file-writer.ts in a process of its own, loaded and waiting. */
interface Writer {
  pid: number;
  /** Settles once the env-file module is loaded. */
  ready: Promise<void>;
  /** Settles once the process is gone (and reaped, so its pid no longer runs). */
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  start(): void;
  kill(): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

type WriterJob =
  | { mode: 'tokens'; path: string }
  | { mode: 'keys'; path: string; updates: [string, string][] }
  | { mode: 'die-once-locked'; path: string };

/** Every writer a test started; killed after it, whatever happened. */
const writers = new Set<Writer>();
test.afterEach(async () => {
  await Promise.all([...writers].map((writer) => writer.kill()));
  writers.clear();
});

function spawnWriter(job: WriterJob): Writer {
  // Bundled like the token custodian: a writer starts in a tenth of a second, not ts-node's
  // second, so a busy machine still gets through its hundreds of writes.
  const child = spawn(process.execPath, [bundledScript(writerScript), JSON.stringify(job)], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnv({ NODE_PATH: bundleNodePath() }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (status, signal) => resolve({ status, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => stdout.startsWith('ready\n') && resolve());
    child.on('error', reject);
    void exited.then(() => reject(new Error(`the writer exited before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined); // a standby killed before it was ready is no failure
  const writer: Writer = {
    pid: child.pid!,
    ready,
    exited,
    start: () => child.stdin.end('go'),
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
    stdout: () => stdout.replace(/^ready\n/, ''),
    stderr: () => stderr,
  };
  writers.add(writer);
  return writer;
}

test.describe('a writer killed at any moment', () => {
  // A write takes a few milliseconds, a writer's start a tenth of a second or more: each
  // writer runs for up to longestRunMs (dozens of writes) before it is killed, and the next
  // two load meanwhile.
  const minimumWrites = 200;
  const minimumKills = 12;
  const longestRunMs = 200;

  test(`leaves the file whole, 0600 and with a matching token pair, and does not hold up the next writer (${minimumKills}+ SIGKILLs in ${minimumWrites}+ writes)`, async () => {
    // Bounded by the kills (at most 100), not by a time budget that a busy machine misses.
    test.setTimeout(10 * 60_000);
    const { path, folder, before } = await copyFixture('comments-and-blanks.env');
    const name = 'comments-and-blanks.env';
    // Every line but the two token lines must come out byte for byte as in the fixture.
    const expectedText = (n: number) =>
      before
        .replace(/^GOTO_ACCESS_TOKEN=.*$/m, `GOTO_ACCESS_TOKEN=a-${n}`)
        .replace(/^GOTO_REFRESH_TOKEN=$/m, `GOTO_REFRESH_TOKEN=r-${n}`);
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'a-0', GOTO_REFRESH_TOKEN: 'r-0' });
    expect(await fs.readFile(path, 'utf8'), 'the first write changed only the two token lines').toBe(expectedText(0));

    /** Reads the file as a killed writer left it and checks it whole; returns its n. */
    const checkWhole = async (after: string): Promise<number> => {
      const text = await fs.readFile(path, 'utf8');
      const values = parse(text);
      const n = Number(/^a-(\d+)$/.exec(values.GOTO_ACCESS_TOKEN ?? '')?.[1]);
      expect(Number.isInteger(n), `${after}: dotenv reads a complete access token`).toBe(true);
      expect(values.GOTO_REFRESH_TOKEN, `${after}: the refresh token is from the same write as the access token`).toBe(
        `r-${n}`,
      );
      expect(text, `${after}: every other line is byte-identical to the fixture`).toBe(expectedText(n));
      expect(await modeOf(path), `${after}: only the owner can read the tokens`).toBe(0o600);
      return n;
    };
    const scratch = new RegExp(`^${name.replace(/\./g, '\\.')}(?:\\.lock)?\\.(\\d+)-[0-9a-f]{12}\\.tmp$`);
    /** What killed writers left: the lock (by its owner's pid) and temp files. */
    const leftovers = async (): Promise<string[]> => {
      const names = (await fs.readdir(folder)).filter((entry) => entry !== name);
      const lockOwner = async () => {
        const raw = await fs.readFile(join(folder, `${name}.lock`), 'utf8');
        return /^\{"pid":(\d+),/.exec(raw)?.[1] ?? `unknown pid (${JSON.stringify(raw)})`;
      };
      return Promise.all(
        names.map(async (entry) => (entry === `${name}.lock` ? `lock of ${await lockOwner()}` : entry)),
      );
    };

    let n = 0;
    let kills = 0;
    const seen = { lockLeft: 0, tempLeft: 0, killedBeforeFirstWrite: 0, waitedOutLeftovers: 0 };
    let slowestRecoveryMs = 0;
    const standby = [spawnWriter({ mode: 'tokens', path }), spawnWriter({ mode: 'tokens', path })];
    // Until the kills have hit each case at least once (they nearly always have by then).
    const covered = () => seen.lockLeft > 0 && seen.tempLeft > 0 && seen.waitedOutLeftovers > 0;
    while ((n < minimumWrites || kills < minimumKills || !covered()) && kills < 100) {
      const writer = standby.shift()!;
      await writer.ready;
      standby.push(spawnWriter({ mode: 'tokens', path })); // loads while this one writes
      const leftBefore = await leftovers();
      const startedAt = Date.now();
      writer.start();
      if (leftBefore.length > 0 && kills % 2 === 0) {
        // Half the time a killed writer left something, let the next one finish a write first:
        // a dead writer's lock must not hold it up. Its locks go stale only after an hour
        // (tests/self-test/helpers/env-file-writer.ts), so a write here proves the dead pid was
        // seen, however long a busy machine takes. The other half it may be killed while
        // breaking the lock or cleaning up.
        let wrote = false;
        let exited = false;
        void writer.exited.then(() => (exited = true));
        while (!wrote && !exited) {
          wrote = parse(await fs.readFile(path, 'utf8')).GOTO_ACCESS_TOKEN !== `a-${n}`;
          if (!wrote) await sleep(1);
        }
        expect(
          wrote,
          `the writer after kill ${kills} wrote despite ${leftBefore.join(', ')} (it printed ${writer.stdout()})`,
        ).toBe(true);
        slowestRecoveryMs = Math.max(slowestRecoveryMs, Date.now() - startedAt);
        seen.waitedOutLeftovers += 1;
      }
      await sleep(Math.random() * longestRunMs);
      const { signal } = await writer.kill();
      kills += 1;
      const after = `after kill ${kills} (pid ${writer.pid})`;
      expect(
        signal,
        `${after}: the writer was still writing when killed (it printed ${writer.stdout()}${writer.stderr()})`,
      ).toBe('SIGKILL');

      const previous = n;
      n = await checkWhole(after);
      expect(n, `${after}: a completed write is never undone`).toBeGreaterThanOrEqual(previous);
      const left = await leftovers();
      if (n > previous) {
        expect(
          left.filter((entry) => leftBefore.includes(entry)),
          `${after}: the writer's first update removed what earlier killed writers had left`,
        ).toEqual([]);
      } else {
        seen.killedBeforeFirstWrite += 1;
      }
      for (const entry of left) {
        // A lock moved aside by a writer killed while breaking a stale one names no pid;
        // the next writer removes it at once (checked above on the next kill).
        if (/\.lock\.[0-9a-f]{12}\.stale$/.test(entry)) continue;
        const pid = Number(scratch.exec(entry)?.[1] ?? /^lock of (\d+)$/.exec(entry)?.[1]);
        // A lock naming no pid could only be broken once stale, 30 s later.
        expect(pid, `${after}: "${entry}" is a temp file of a killed writer or a lock naming its pid`).not.toBeNaN();
        if (pid === writer.pid) {
          if (entry.startsWith('lock')) seen.lockLeft += 1;
          else seen.tempLeft += 1;
        }
      }
    }
    await Promise.all(standby.map((writer) => writer.kill()));

    expect(seen.lockLeft, 'some writers were killed while holding the lock').toBeGreaterThan(0);
    expect(seen.tempLeft, 'some writers were killed with a temp file written').toBeGreaterThan(0);
    expect(seen.waitedOutLeftovers, "some writers had to get past a killed writer's lock or temp file").toBeGreaterThan(
      0,
    );
    test.info().annotations.push({
      type: 'kills',
      description: `${kills} kills in ${n} writes; ${JSON.stringify(seen)}; slowest first write after a kill ${slowestRecoveryMs} ms`,
    });

    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: `a-${n + 1}`, GOTO_REFRESH_TOKEN: `r-${n + 1}` });
    expect(await fs.readFile(path, 'utf8'), 'one more normal write changes only the token lines').toBe(
      expectedText(n + 1),
    );
    expect(await fs.readdir(folder), 'and leaves no lock or temp file behind').toEqual([name]);
  });
});

test.describe('leftovers of killed writers', () => {
  const name = 'comments-and-blanks.env';

  test('a writer killed the instant its lock appears leaves a lock naming its pid, which the next writer breaks at once', async () => {
    const { path, folder, before } = await copyFixture(name);
    const writer = spawnWriter({ mode: 'die-once-locked', path });
    await writer.ready;
    writer.start();
    expect((await writer.exited).signal, `it died holding the lock (it printed ${writer.stdout()})`).toBe('SIGKILL');
    const lock = await fs.readFile(`${path}.lock`, 'utf8');
    // An empty lock names no one: it would hold every writer up until it went stale (30 s).
    expect(lock, 'the lock already names its owner').toMatch(new RegExp(`^\\{"pid":${writer.pid},`));
    expect(await fs.readFile(path, 'utf8'), 'the file is as it was').toBe(before);

    // Its locks would go stale only after an hour: getting through means the dead pid was seen.
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' }, { staleLockMs: 60 * 60_000, lockTimeoutMs: 60 * 60_000 });
    expect(parse(await fs.readFile(path, 'utf8')).GOTO_ACCESS_TOKEN).toBe('next');
    expect(await fs.readdir(folder), "the dead writer's lock and lock record are gone").toEqual([name]);
  });

  test('removes the temp files of a writer whose process has exited on the next update', async () => {
    const { path, folder } = await copyFixture(name);
    const dead = await exitedPid();
    await fs.writeFile(join(folder, `${name}.${dead}-0123456789ab.tmp`), 'GOTO_ACCESS_TOKEN=half-writ');
    await fs.writeFile(join(folder, `${name}.lock.${dead}-0123456789ab.tmp`), '{"pid":');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' });
    expect(await fs.readdir(folder), 'both temp files of the dead writer are gone').toEqual([name]);
  });

  test('leaves alone the fresh temp file of a writer that still runs', async () => {
    const { path, folder } = await copyFixture(name);
    const live = `${name}.${process.pid}-0123456789ab.tmp`;
    await fs.writeFile(join(folder, live), 'GOTO_ACCESS_TOKEN=in-progress');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' });
    expect((await fs.readdir(folder)).sort(), 'its writer may still rename it').toEqual([name, live]);
  });

  test('removes a temp file older than the stale threshold even if its pid runs (a reused pid)', async () => {
    const { path, folder } = await copyFixture(name);
    const old = join(folder, `${name}.${process.pid}-0123456789ab.tmp`);
    await fs.writeFile(old, 'GOTO_ACCESS_TOKEN=long-ago');
    const longAgo = new Date(Date.now() - 60_000);
    await fs.utimes(old, longAgo, longAgo);
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' }, { staleLockMs: 30_000 });
    expect(await fs.readdir(folder)).toEqual([name]);
  });

  test('removes a stale lock that a killed waiter had moved aside, once it is older than the stale threshold', async () => {
    const { path, folder } = await copyFixture(name);
    const aside = join(folder, `${name}.lock.0123456789ab.stale`);
    await fs.writeFile(aside, JSON.stringify({ pid: await exitedPid(), created: Date.now() - 60_000 }));
    const longAgo = new Date(Date.now() - 60_000);
    await fs.utimes(aside, longAgo, longAgo);
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' });
    expect(await fs.readdir(folder)).toEqual([name]);
  });

  test("leaves alone files that only look like leftovers: other files' temp files and other names", async () => {
    const { path, folder } = await copyFixture(name);
    const dead = await exitedPid();
    const others = [
      `other.env.${dead}-0123456789ab.tmp`,
      `${name}.bak`,
      `${name}.${dead}-not-hex-here.tmp`,
      `${name}.${dead}-0123456789ab.tmp.keep`,
    ];
    for (const other of others) await fs.writeFile(join(folder, other), 'keep me');
    await updateEnvFile(path, { GOTO_ACCESS_TOKEN: 'next' });
    expect((await fs.readdir(folder)).sort(), 'only names of the form <file>.<pid>-<12 hex>.tmp are cleaned').toEqual(
      [name, ...others].sort(),
    );
  });
});

test.describe('writers in separate processes', () => {
  const processes = 8;
  const updatesEach = 25;

  test(`${processes} processes writing ${updatesEach} keys each at the same time lose no update`, async () => {
    // Bounded by the kills (at most 100), not by a time budget that a busy machine misses.
    test.setTimeout(10 * 60_000);
    const { path, folder, before } = await copyFixture('crlf.env');
    const jobs = Array.from({ length: processes }, (_, p) =>
      Array.from(
        { length: updatesEach },
        (_, i) => [`GOTO_P${p}_${i}`, `eyJ.p${p}.u${i}.${'x'.repeat(40)}`] as [string, string],
      ),
    );
    const started = jobs.map((updates) => spawnWriter({ mode: 'keys', path, updates }));
    // Loading takes most of a second: start them together so that their updates interleave.
    await Promise.all(started.map((writer) => writer.ready));
    for (const writer of started) writer.start();
    const results = await Promise.all(
      started.map(async (writer) => ({ ...(await writer.exited), stdout: writer.stdout() })),
    );
    expect(results, 'every process finished all its updates').toEqual(
      started.map(() => ({ status: 0, signal: null, stdout: 'ok' })),
    );

    const after = await fs.readFile(path, 'utf8');
    expect(parse(after), `dotenv reads all ${processes * updatesEach} updates and the old values`).toEqual({
      ...parse(before),
      ...Object.fromEntries(jobs.flat()),
    });
    expect(after.startsWith(before), 'the old lines are untouched, byte for byte').toBe(true);
    expect(
      after.slice(before.length).split('\r\n').sort(),
      'after them, one CRLF line per update and nothing else',
    ).toEqual(['', ...jobs.flat().map(([key, value]) => `${key}=${value}`)].sort());
    expect(await fs.readdir(folder), 'no lock or temp file is left').toEqual(['crlf.env']);
  });
});

test.describe('what the atomic write flushes to disk', () => {
  const name = 'comments-and-blanks.env';

  /** Real node:fs/promises calls on real files, each noted once it has completed. */
  function notingFileSystem(folder: string): { files: AtomicWriteFileSystem; calls: string[] } {
    const calls: string[] = [];
    const temp = new RegExp(`^${name.replace(/\./g, '\\.')}\\.\\d+-[0-9a-f]{12}\\.tmp$`);
    const nameOf = (path: string) => {
      if (path === folder) return 'the folder';
      if (path === join(folder, name)) return 'the env file';
      return temp.test(basename(path)) ? 'the temp file' : path;
    };
    const noted = async (call: string, run: () => Promise<void>) => {
      await run();
      calls.push(call);
    };
    const notingHandle = (handle: fs.FileHandle, file: string): AtomicWriteHandle => ({
      writeFile: (...args) => noted(`write ${file}`, () => handle.writeFile(...args)),
      chmod: (mode) => noted(`chmod ${file}`, () => handle.chmod(mode)),
      chown: (uid, gid) => noted(`chown ${file}`, () => handle.chown(uid, gid)),
      sync: () => noted(`sync ${file}`, () => handle.sync()),
      datasync: () => noted(`datasync ${file}`, () => handle.datasync()),
      close: () => noted(`close ${file}`, () => handle.close()),
    });
    const files: AtomicWriteFileSystem = {
      open: async (path, flags, mode) => {
        const handle = await fs.open(path, flags, mode);
        calls.push(`open ${nameOf(path)}`);
        return notingHandle(handle, nameOf(path));
      },
      rename: (from, to) => noted(`rename ${nameOf(from)} to ${nameOf(to)}`, () => fs.rename(from, to)),
      unlink: (path) => noted(`unlink ${nameOf(path)}`, () => fs.unlink(path)),
    };
    return { files, calls };
  }

  /** Replaces the fixture through the noting file system; returns the calls in order. */
  async function writeNoted(): Promise<{ calls: string[]; renamed: number }> {
    const { path, folder } = await copyFixture(name);
    const { files, calls } = notingFileSystem(folder);
    await writeAtomically(path, Buffer.from('GOTO_ACCESS_TOKEN=flushed\n'), undefined, files);
    expect(await fs.readFile(path, 'utf8'), 'the real env file was replaced').toBe('GOTO_ACCESS_TOKEN=flushed\n');
    expect(await fs.readdir(folder), 'no temp file is left').toEqual([name]);
    const renamed = calls.indexOf('rename the temp file to the env file');
    expect(renamed, `the temp file was renamed over the env file (calls: ${calls.join(', ')})`).toBeGreaterThan(-1);
    return { calls, renamed };
  }

  const isSync = (file: string) => (call: string) => call === `sync ${file}` || call === `datasync ${file}`;

  test("fsyncs the temp file's data after writing it and before renaming it over the env file", async () => {
    const { calls, renamed } = await writeNoted();
    const written = calls.lastIndexOf('write the temp file');
    const synced = calls.findIndex((call, at) => at > written && isSync('the temp file')(call));
    const trail = `(calls: ${calls.join(', ')})`;
    expect(written, `the new content went into the temp file ${trail}`).toBeGreaterThan(-1);
    // Without it, a power cut after the rename can leave the env file's name on blocks never written.
    expect(synced, `the temp file was fsynced after its last write ${trail}`).toBeGreaterThan(written);
    expect(synced, `and before the rename ${trail}`).toBeLessThan(renamed);
  });

  test('fsyncs the folder after the rename, so that the rename itself survives a power cut', async () => {
    const { calls, renamed } = await writeNoted();
    // fsync(2): "an explicit fsync() on a file descriptor for the directory is also needed".
    const synced = calls.findIndex((call, at) => at > renamed && isSync('the folder')(call));
    expect(synced, `the folder was fsynced after the rename (calls: ${calls.join(', ')})`).toBeGreaterThan(renamed);
  });
});
