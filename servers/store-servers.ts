/**
 * Real store servers for the grant store's tests and the benchmark (`npm run bench`):
 * Debian's redis-server, PostgreSQL 15 and PgBouncer, each on a free port of 127.0.0.1 in a
 * scratch folder of its own, with a password (so that tests can prove it never shows). No
 * mocks: the guarantees are proven, and the store measured, against the servers users run.
 * Nothing here imports Playwright or the product: the benchmark runner, which never imports
 * the tests, starts its Redis with this file too (tests/self-test/layers.spec.ts).
 *
 * Each server runs under a small watchdog shell that waits for its standard input to close,
 * then stops the server and removes its folder. The process that started it (a test worker,
 * the benchmark) holds the other end: when that process ends, however it ends (even
 * SIGKILL), the pipe closes and nothing is left behind. The watchdog runs in a session of its
 * own, so a signal to that process's group cannot kill it before it has cleaned up.
 *
 * PostgreSQL's initdb takes seconds, so it runs once per machine into a template data folder
 * (in the temp folder, named after the server's version); each server starts from a copy of
 * it. initdb and postgres refuse to run as root: as root they run as the `postgres` user.
 *
 * With `tls`, a server takes TLS connections only, with a certificate for
 * 127.0.0.1 signed by a throwaway CA that `openssl` makes in the server's folder: a client
 * trusts it as a user trusts a private CA (NODE_EXTRA_CA_CERTS, or PostgreSQL's `sslrootcert`),
 * with the certificate checked, never with verification turned off.
 *
 * The servers a test worker shares between its tests, or servers of your own instead
 * (GOTO_TEST_REDIS_URL, GOTO_TEST_POSTGRES_URL), are tests/self-test/helpers/store-servers.ts's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  chownSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** A throwaway server's password: on 127.0.0.1 only, and distinctive, so a test can look for it in output. */
export const testServerPassword = 'grant-store-test-pw-7f3a9c';

export type TestServer = {
  kind: 'redis' | 'postgres' | 'pgbouncer';
  /** The URL a holder puts in GOTO_GRANT_STORE, password included. */
  url: string;
  host: string;
  port: number;
  /** The server process (redis-server, or PostgreSQL's postmaster): what a test stops with SIGSTOP. */
  pid: number;
  /** With `tls`: the throwaway CA that signed the server's certificate (PEM), in the server's folder. */
  caFile?: string;
  /** Stops the server and removes its folder; settles once both are done. */
  stop(): Promise<void>;
};

const pgBin = '/usr/lib/postgresql/15/bin';

/**
 * The programs these servers run, and the Debian package each comes in: what `npm test`'s
 * first step (scripts/ensure-test-machine.ts) looks for, and installs as root where apt-get is.
 */
export const storeServerBinaries = {
  redis: { file: '/usr/bin/redis-server', debianPackage: 'redis-server' },
  postgres: { file: path.join(pgBin, 'postgres'), debianPackage: 'postgresql-15' },
  initdb: { file: path.join(pgBin, 'initdb'), debianPackage: 'postgresql-15' },
  pgbouncer: { file: '/usr/sbin/pgbouncer', debianPackage: 'pgbouncer' },
} as const;
const asRoot = process.getuid?.() === 0;

/** A port of 127.0.0.1 that was free a moment ago (the server's start is retried if another took it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function requireBinary({ file, debianPackage }: { file: string; debianPackage: string }): void {
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: install it (apt-get install -y ${debianPackage}); the tests start their own ` +
        'servers even where GOTO_TEST_REDIS_URL or GOTO_TEST_POSTGRES_URL is set (docs/grant-store.md, "Tests").',
    );
}

/** A scratch folder in the temp folder, owned by the user the server runs as. */
function scratchFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  if (asRoot) chownSync(folder, postgresUser().uid, postgresUser().gid);
  return folder;
}

let postgresIds: { uid: number; gid: number } | undefined;
function postgresUser(): { uid: number; gid: number } {
  if (postgresIds) return postgresIds;
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
  postgresIds = { uid: Number(ids.stdout.trim()), gid: Number(gids.stdout.trim()) };
  return postgresIds;
}

/**
 * Starts `script` (sh) under the watchdog: it prints the server's pid, then waits for its
 * standard input to close, then stops the server (SIGCONT first: a test may have stopped
 * it), waits for it and removes `folder`.
 */
function watchdog(script: string, folder: string, options: { asPostgres: boolean; stopSignal: string }): ChildProcess {
  const full =
    `${script}\npid=$!\necho "$pid"\ncat >/dev/null\n` +
    `kill -CONT "$pid" 2>/dev/null; kill -${options.stopSignal} "$pid" 2>/dev/null; wait "$pid"\nrm -rf "${folder}"\n`;
  const [command, args]: [string, string[]] =
    options.asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', 'sh', '-c', full]] : ['sh', ['-c', full]];
  return spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
}

/** The first line the watchdog prints: the server's pid. */
function serverPid(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\n/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.on('exit', () => reject(new Error('the watchdog ended before the server started')));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `ready` until it says yes; fails once the server process is gone (with its log). */
async function waitUntilReady(pid: number, ready: () => Promise<boolean>, log: () => string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    if (await ready()) return;
    if (!isRunning(pid)) throw new Error(`the server ended while starting:\n${log()}`);
    // Bounded by the caller's own timeout (a test's), not by a clock of ours.
    await sleep(Math.min(20 * (attempt + 1), 200));
  }
}

function handle(
  kind: TestServer['kind'],
  child: ChildProcess,
  pid: number,
  port: number,
  url: string,
  keep: boolean,
  caFile?: string,
): TestServer {
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  if (keep) {
    // The process may end without stopping it: the pipe closes with it, and the watchdog cleans up.
    child.unref();
    (child.stdin as unknown as Socket | null)?.unref();
    (child.stdout as unknown as Socket | null)?.unref();
  }
  return {
    kind,
    url,
    host: '127.0.0.1',
    port,
    pid,
    ...(caFile ? { caFile } : {}),
    stop: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}

/** Answers anything on its port: enough for Redis, which is ready once it accepts. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A throwaway CA and a certificate for 127.0.0.1 (and localhost) it signed, made with `openssl`
 * in `folder`: ca.pem, server.pem and server.key, readable by the user the server runs as.
 */
function makeCertificates(folder: string, owner: 'self' | 'postgres'): { ca: string; cert: string; key: string } {
  requireBinary({ file: '/usr/bin/openssl', debianPackage: 'openssl' });
  const file = (name: string) => path.join(folder, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  const commands = [
    // The CA: self-signed, for signing certificates only.
    [
      ...['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2'],
      ...['-subj', '/CN=goto-token-runner throwaway test CA'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ],
    // The server's key and request, then its certificate, signed by the CA.
    ['req', ...newKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1'],
    [
      ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
      ...['-set_serial', '1', '-days', '2', '-out', file('server.pem'), '-extfile', file('server.ext')],
    ],
  ];
  for (const args of commands) {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl failed making the test certificates:\n${result.stderr}`);
  }
  // PostgreSQL refuses a key that others may read.
  chmodSync(file('server.key'), 0o600);
  if (owner === 'postgres' && asRoot) {
    // PostgreSQL reads its key only if it owns it.
    for (const name of ['server.key', 'server.pem', 'ca.pem'])
      chownSync(file(name), postgresUser().uid, postgresUser().gid);
  }
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

/**
 * A redis-server of its own, stopped with `stop()` (or when this process ends, with `keep`).
 * With `tls`, it listens with TLS only (no plain port): its URL is `rediss://`, and `caFile`
 * the CA a client must trust.
 */
export async function startRedis(options: { keep?: boolean; tls?: boolean } = {}): Promise<TestServer> {
  requireBinary(storeServerBinaries.redis);
  for (let attempt = 1; ; attempt += 1) {
    const folder = mkdtempSync(path.join(tmpdir(), 'goto-redis-'));
    const port = await freePort();
    const tls = options.tls ? makeCertificates(folder, 'self') : undefined;
    const listen = tls
      ? `--port 0 --tls-port ${port} --tls-cert-file "${tls.cert}" --tls-key-file "${tls.key}" ` +
        `--tls-ca-cert-file "${tls.ca}" --tls-auth-clients no`
      : `--port ${port}`;
    const child = watchdog(
      `redis-server ${listen} --bind 127.0.0.1 --save '' --appendonly no --dir "${folder}" ` +
        `--requirepass ${testServerPassword} --logfile "${folder}/redis.log" --daemonize no &`,
      folder,
      { asPostgres: false, stopSignal: 'TERM' },
    );
    const pid = await serverPid(child);
    try {
      await waitUntilReady(
        pid,
        () => accepts(port),
        () => readLog(path.join(folder, 'redis.log')),
      );
      const url = `${tls ? 'rediss' : 'redis'}://default:${testServerPassword}@127.0.0.1:${port}`;
      return handle('redis', child, pid, port, url, options.keep ?? false, tls?.ca);
    } catch (error) {
      child.stdin?.end();
      if (attempt >= 3) throw error;
    }
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The template data folder, made by initdb once per machine and server version. */
function postgresTemplate(): string {
  const template = path.join(tmpdir(), `goto-token-runner-pg15-template-${asRoot ? 'postgres' : process.getuid?.()}`);
  if (existsSync(path.join(template, 'PG_VERSION'))) return template;
  const build = scratchFolder('goto-pg-initdb-');
  const passwordFile = path.join(build, 'password');
  writeFileSync(passwordFile, `${testServerPassword}\n`, { mode: 0o600 });
  if (asRoot) chownSync(passwordFile, postgresUser().uid, postgresUser().gid);
  const args = [
    '-D',
    path.join(build, 'data'),
    '-U',
    'goto',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${passwordFile}`,
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ];
  const initdb = storeServerBinaries.initdb.file;
  const result = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', initdb, ...args], { encoding: 'utf8' })
    : spawnSync(initdb, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(build, { recursive: true, force: true });
    throw new Error(`initdb failed:\n${result.stderr}`);
  }
  try {
    // Another worker may have made it meanwhile: theirs is as good.
    renameSync(path.join(build, 'data'), template);
  } catch {
    // Kept theirs.
  }
  rmSync(build, { recursive: true, force: true });
  return template;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

type Certificates = ReturnType<typeof makeCertificates>;

/** The server's certificate, and a pg_hba.conf that takes TCP connections with TLS only. */
function postgresTls(folder: string): Certificates {
  const tls = makeCertificates(folder, 'postgres');
  const hba = path.join(folder, 'pg_hba.conf');
  writeFileSync(hba, 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  if (asRoot) chownSync(hba, postgresUser().uid, postgresUser().gid);
  return tls;
}

/** The `postgres` command line's settings: this port on 127.0.0.1 only, speed over durability, TLS when given. */
function postgresSettings(port: number, folder: string, tls: Certificates | undefined): string {
  return [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    "-c unix_socket_directories=''",
    // A test server: speed over durability.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=60 -c shared_buffers=16MB',
    ...(tls
      ? [
          `-c ssl=on -c ssl_cert_file='${tls.cert}' -c ssl_key_file='${tls.key}'`,
          `-c hba_file='${path.join(folder, 'pg_hba.conf')}'`,
        ]
      : []),
  ].join(' ');
}

/** verify-full against the test CA: the same check as pg 8's `require`, without its warning about pg 9. */
function verifiedUrl(url: string, caFile: string): string {
  return `${url.replace('sslmode=require', 'sslmode=verify-full')}&sslrootcert=${encodeURIComponent(caFile)}`;
}

/**
 * A PostgreSQL 15 of its own, from the template, stopped with `stop()` (or when this process ends, with `keep`).
 * With `tls`, it has `ssl=on` and takes TCP connections with TLS only (pg_hba `hostssl`): its URL
 * says `sslmode=require` (as Neon's do), and `caFile` is the CA a client must trust.
 */
export async function startPostgres(options: { keep?: boolean; tls?: boolean } = {}): Promise<TestServer> {
  requireBinary(storeServerBinaries.postgres);
  const template = postgresTemplate();
  for (let attempt = 1; ; attempt += 1) {
    const folder = scratchFolder('goto-pg-');
    const port = await freePort();
    const tls = options.tls ? postgresTls(folder) : undefined;
    const settings = postgresSettings(port, folder, tls);
    const child = watchdog(
      `cp -a "${template}" "${folder}/data" && exec ${storeServerBinaries.postgres.file} -D "${folder}/data" ${settings} ` +
        `>"${folder}/postgres.log" 2>&1 &`,
      folder,
      // SIGINT: PostgreSQL's fast shutdown.
      { asPostgres: true, stopSignal: 'INT' },
    );
    const pid = await serverPid(child);
    const url = `postgres://goto:${testServerPassword}@127.0.0.1:${port}/postgres${tls ? '?sslmode=require' : ''}`;
    try {
      await waitUntilReady(
        pid,
        () => postgresAnswers(tls ? verifiedUrl(url, tls.ca) : url),
        () => readLog(path.join(folder, 'postgres.log')),
      );
      return handle('postgres', child, pid, port, url, options.keep ?? false, tls?.ca);
    } catch (error) {
      child.stdin?.end();
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * PgBouncer (Debian's) in transaction mode in front of `postgresUrl`, with two server
 * connections for all its clients: consecutive statements of one client run on whichever
 * server connection is free, as behind Neon's and Supabase's poolers. A store that relied on
 * session state (a session advisory lock, a prepared statement, a SET) would break here.
 */
export async function startPgBouncer(postgresUrl: string, options: { keep?: boolean } = {}): Promise<TestServer> {
  requireBinary(storeServerBinaries.pgbouncer);
  const upstream = new URL(postgresUrl);
  for (let attempt = 1; ; attempt += 1) {
    const folder = scratchFolder('goto-pgbouncer-');
    const port = await freePort();
    writePgBouncerConfig(folder, port, upstream);
    const child = watchdog(
      `${storeServerBinaries.pgbouncer.file} "${folder}/pgbouncer.ini" >/dev/null 2>&1 &`,
      folder,
      {
        asPostgres: true,
        stopSignal: 'INT',
      },
    );
    const pid = await serverPid(child);
    const url = `postgres://${upstream.username}:${upstream.password}@127.0.0.1:${port}${upstream.pathname}`;
    try {
      await waitUntilReady(
        pid,
        () => postgresAnswers(url),
        () => readLog(path.join(folder, 'pgbouncer.log')),
      );
      return handle('pgbouncer', child, pid, port, url, options.keep ?? false);
    } catch (error) {
      child.stdin?.end();
      if (attempt >= 3) throw error;
    }
  }
}

/** Its users file (upstream's user, SCRAM) and its ini, mode 0600 and PostgreSQL's user's when run as root. */
function writePgBouncerConfig(folder: string, port: number, upstream: URL): void {
  const own = (file: string, text: string) => {
    writeFileSync(file, text, { mode: 0o600 });
    if (asRoot) chownSync(file, postgresUser().uid, postgresUser().gid);
  };
  const user = decodeURIComponent(upstream.username);
  const password = decodeURIComponent(upstream.password);
  own(path.join(folder, 'users.txt'), `"${user}" "${password}"\n`);
  own(
    path.join(folder, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${folder}/users.txt`,
      'pool_mode = transaction',
      'default_pool_size = 2',
      'max_client_conn = 200',
      `logfile = ${folder}/pgbouncer.log`,
      '',
    ].join('\n'),
  );
}
