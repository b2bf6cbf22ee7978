/**
 * The grant store's contract, one set of tests run against every backend (the env file,
 * Redis, PostgreSQL) by grant-store-env-file.spec.ts, grant-store-redis.spec.ts and
 * grant-store-postgres.spec.ts, on real servers (store-servers.ts). Each test works on a
 * grant of its own, so that tests run side by side on one server.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '../fixtures';
import type { Env } from '../../../lib/config/env-target';
import { GrantStoreError } from '../../../lib/errors';
import type { GrantRecord } from '../../../lib/grant-store/grant-record';
import type { GrantStore, LeaseOutcome } from '../../../lib/grant-store/grant-store';
import { openGrantStore } from '../../../lib/grant-store/open-grant-store';
import type { StoreTimeouts } from '../../../lib/grant-store/store-failure';
import { bundledScript, bundleNodePath } from '../../../lib/script-bundle';
import { childEnv, repositoryRoot } from './child-env';
import { uniqueGrant } from './store-servers';

export type StoreBackend = {
  /** How the tests' titles name it. */
  name: string;
  /** The environment of a holder of this backend, for the current test. */
  holderEnv(): Promise<Env>;
  /** What the store holds for a grant, every byte of it, as text: compared, never printed. */
  raw(env: Env, grant: string): Promise<string>;
  /** Sets a record field in the store directly, bypassing the grant store (to tamper with it). */
  setStored(env: Env, grant: string, field: 'refresh_token', value: string): Promise<void>;
  /** Reads a record field as stored. */
  stored(env: Env, grant: string, field: 'refresh_token' | 'access_token'): Promise<string | null>;
  /** Whether GOTO_GRANT_STORE_KEY applies (not to the env file, which keeps its tokens as they always were). */
  encrypts: boolean;
};

const keyA = Buffer.alloc(32, 0xa1).toString('base64');
const keyB = Buffer.alloc(32, 0xb2).toString('base64');

/** A record whose tokens are unmistakably this test's, for version `n`. */
export function grantRecord(n: number, overrides: Partial<GrantRecord> = {}): GrantRecord {
  const tag = randomBytes(4).toString('hex');
  return {
    refreshToken: `refresh-${n}-${tag}`,
    accessToken: `access-${n}-${tag}`,
    accessTokenExpiresAt: new Date(Date.UTC(2030, 0, 1, 10, n)).toISOString(),
    principal: 'organizer@example.com',
    organizerKey: '8439885694023999999',
    scopes: 'identity:scim.me collab:',
    state: 'ok',
    writtenBy: `test-holder-${n}`,
    writtenAt: new Date(Date.UTC(2030, 0, 1, 9, n)).toISOString(),
    ...overrides,
  };
}

/** The lease takers in processes of their own, N at once. */
async function takeLeaseInProcesses(env: Env, grant: string, count: number): Promise<LeaseOutcome[]> {
  const script = bundledScript(path.join(__dirname, 'lease-taker.ts'));
  const takers = Array.from({ length: count }, (_, i) => {
    const child = spawn(process.execPath, [script, JSON.stringify({ grant, owner: `taker-${i}`, ttlMs: 60_000 })], {
      cwd: repositoryRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: childEnv({ ...env, NODE_PATH: bundleNodePath() }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.startsWith('ready\n') && resolve());
      child.on('exit', () => reject(new Error(`a lease taker ended before it was ready: ${out} ${err}`)));
    });
    ready.catch(() => undefined);
    const done = new Promise<string>((resolve) => child.on('exit', () => resolve(out.replace(/^ready\n/, ''))));
    return { child, ready, done };
  });
  await Promise.all(takers.map((taker) => taker.ready));
  for (const taker of takers) taker.child.stdin.end('go');
  const outputs = await Promise.all(takers.map((taker) => taker.done));
  return outputs.map((output) => JSON.parse(output) as LeaseOutcome);
}

export function grantStoreContract(backend: StoreBackend, timeouts: Partial<StoreTimeouts> = {}): void {
  /** Every store a test opened, closed after it. */
  const opened: GrantStore[] = [];
  test.afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  /** A holder of the test's grant, with its own connection. */
  const holder = async (env: Env, grant: string, extra: Env = {}): Promise<GrantStore> => {
    const store = await openGrantStore({ ...env, ...extra }, { grant, timeouts });
    opened.push(store);
    return store;
  };
  const setup = async (extra: Env = {}) => {
    const env = await backend.holderEnv();
    const grant = uniqueGrant();
    return { env, grant, store: await holder(env, grant, extra), another: () => holder(env, grant, extra) };
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('it was not refused');
      },
      (error: unknown) => error as GrantStoreError,
    );

  test.describe(`the grant store on ${backend.name}`, () => {
    test('a grant never stored reads as nothing; the first commit is version 1 and reads back as written', async () => {
      const { store } = await setup();
      expect(await store.read()).toBeUndefined();
      const record = grantRecord(1);
      expect(await store.commit(0, record)).toEqual({ committed: true, version: 1 });
      expect(await store.read()).toEqual({ version: 1, record });
    });

    test('a commit over a stale version is refused, and the newer record stays as it was', async () => {
      const { env, grant, store, another } = await setup();
      await store.commit(0, grantRecord(1));
      const [a, b] = [store, await another()];
      const readByA = await a.read();
      const readByB = await b.read();
      const newer = grantRecord(2);
      expect(await b.commit(readByB!.version, newer)).toEqual({ committed: true, version: 2 });
      const before = await backend.raw(env, grant);
      expect(await a.commit(readByA!.version, grantRecord(2, { writtenBy: 'late' }))).toEqual({
        committed: false,
        reason: 'version-changed',
        version: 2,
      });
      expect(await backend.raw(env, grant), 'the refused commit wrote nothing').toBe(before);
      expect(await a.read()).toEqual({ version: 2, record: newer });
    });

    test('of five holders in processes of their own taking the lease at once, exactly one gets it; the others are told who holds it', async () => {
      const { env, grant } = await setup();
      const outcomes = await takeLeaseInProcesses(env, grant, 5);
      const winners = outcomes.filter((outcome) => outcome.acquired);
      expect(winners).toHaveLength(1);
      const winner = `taker-${outcomes.findIndex((outcome) => outcome.acquired)}`;
      for (const outcome of outcomes.filter((o) => !o.acquired))
        expect(outcome).toMatchObject({ acquired: false, holder: winner });
    });

    test("releasing or renewing someone else's lease does nothing; its holder's release frees it", async () => {
      const { store, another } = await setup();
      const other = await another();
      expect(await store.acquireLease('holder-a', 60_000)).toEqual({ acquired: true });
      expect(await other.releaseLease('holder-b')).toBe(false);
      expect(await other.renewLease('holder-b', 60_000)).toBe(false);
      expect(await other.acquireLease('holder-b', 60_000)).toMatchObject({ acquired: false, holder: 'holder-a' });
      expect(await store.renewLease('holder-a', 60_000)).toBe(true);
      expect(await store.releaseLease('holder-a')).toBe(true);
      expect(await other.acquireLease('holder-b', 60_000)).toEqual({ acquired: true });
    });

    test("an expired lease is taken over, and the old holder's late commit lands while the version is still the one it read", async () => {
      const { store, another } = await setup();
      await store.commit(0, grantRecord(1));
      const slow = store;
      const next = await another();
      expect(await slow.acquireLease('slow', 200)).toEqual({ acquired: true });
      const readBySlow = await slow.read();
      await expect.poll(async () => (await next.acquireLease('next', 60_000)).acquired, { timeout: 30_000 }).toBe(true);
      const late = grantRecord(2, { writtenBy: 'slow' });
      expect(await slow.commit(readBySlow!.version, late)).toEqual({ committed: true, version: 2 });
      expect(await next.read(), 'the next holder finds the late answer and uses it').toEqual({
        version: 2,
        record: late,
      });
    });

    test("an expired lease's old holder commits too late once the new holder has committed: refused, the new record stays", async () => {
      const { env, grant, store, another } = await setup();
      await store.commit(0, grantRecord(1));
      const slow = store;
      const next = await another();
      expect(await slow.acquireLease('slow', 200)).toEqual({ acquired: true });
      const readBySlow = await slow.read();
      await expect.poll(async () => (await next.acquireLease('next', 60_000)).acquired, { timeout: 30_000 }).toBe(true);
      const fresh = grantRecord(2, { writtenBy: 'next' });
      expect(await next.commit((await next.read())!.version, fresh, { leaseOwner: 'next' })).toEqual({
        committed: true,
        version: 2,
      });
      const before = await backend.raw(env, grant);
      expect(await slow.commit(readBySlow!.version, grantRecord(2, { writtenBy: 'slow' }))).toEqual({
        committed: false,
        reason: 'version-changed',
        version: 2,
      });
      expect(await backend.raw(env, grant)).toBe(before);
      expect(await slow.read()).toEqual({ version: 2, record: fresh });
    });

    test('a commit that requires the lease is refused once the lease is no longer its holder’s, and writes nothing', async () => {
      const { env, grant, store, another } = await setup();
      await store.commit(0, grantRecord(1));
      expect(await store.acquireLease('slow', 200)).toEqual({ acquired: true });
      const read = await store.read();
      const next = await another();
      await expect.poll(async () => (await next.acquireLease('next', 60_000)).acquired, { timeout: 30_000 }).toBe(true);
      const before = await backend.raw(env, grant);
      expect(await store.commit(read!.version, grantRecord(2), { leaseOwner: 'slow' })).toEqual({
        committed: false,
        reason: 'lease-not-held',
        version: 1,
      });
      expect(await backend.raw(env, grant)).toBe(before);
    });

    test('needs-reauth is a compare-and-swap: the next version holds no token and says needs-reauth; a second marker over the same version is refused', async () => {
      const { store, another } = await setup();
      const first = grantRecord(1);
      await store.commit(0, first);
      const other = await another();
      const [readA, readB] = [await store.read(), await other.read()];
      expect(await store.markNeedsReauth(readA!, { writtenBy: 'holder-a', writtenAt: first.writtenAt })).toEqual({
        committed: true,
        version: 2,
      });
      expect(await other.markNeedsReauth(readB!, { writtenBy: 'holder-b' })).toEqual({
        committed: false,
        reason: 'version-changed',
        version: 2,
      });
      expect(await other.read()).toEqual({
        version: 2,
        record: {
          ...first,
          refreshToken: null,
          accessToken: null,
          accessTokenExpiresAt: null,
          state: 'needs-reauth',
          writtenBy: 'holder-a',
        },
      });
    });

    test('a new grant from a code exchange is the next version and clears needs-reauth', async () => {
      const { store } = await setup();
      await store.commit(0, grantRecord(1));
      await store.markNeedsReauth((await store.read())!, { writtenBy: 'holder-a' });
      const { state: _state, ...fresh } = grantRecord(3, { writtenBy: 'authorize' });
      expect(await store.initialize(2, fresh)).toEqual({ committed: true, version: 3 });
      expect(await store.read()).toEqual({ version: 3, record: { ...fresh, state: 'ok' } });
    });

    if (!backend.encrypts) return;

    test.describe('with GOTO_GRANT_STORE_KEY', () => {
      test('tokens are stored sealed (nothing of them in the store), each write with an IV of its own, and read back as written', async () => {
        const { env, grant, store } = await setup({ GOTO_GRANT_STORE_KEY: keyA });
        const record = grantRecord(1);
        await store.commit(0, record);
        const raw = await backend.raw(env, grant);
        expect(raw).not.toContain(record.refreshToken);
        expect(raw).not.toContain(record.accessToken);
        expect(await backend.stored(env, grant, 'refresh_token')).toMatch(/^gcm1\.[0-9a-f]{8}\./);
        expect(await store.read()).toEqual({ version: 1, record });
        const first = await backend.stored(env, grant, 'refresh_token');
        await store.commit(1, record);
        expect(await backend.stored(env, grant, 'refresh_token'), 'the same token sealed again differs').not.toBe(
          first,
        );
      });

      test('a record changed in the store is refused, naming the store, and left byte for byte as it was', async () => {
        const { env, grant, store } = await setup({ GOTO_GRANT_STORE_KEY: keyA });
        await store.commit(0, grantRecord(1));
        // One character of the ciphertext, all six of its bits data: the tag no longer matches.
        const parts = ((await backend.stored(env, grant, 'refresh_token')) ?? '').split('.');
        const body = parts[3] ?? '';
        parts[3] = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
        await backend.setStored(env, grant, 'refresh_token', parts.join('.'));
        const before = await backend.raw(env, grant);
        const error = await refusal(store.read());
        expect(error).toBeInstanceOf(GrantStoreError);
        expect(error).toMatchObject({ code: 'GRANT_STORE_UNDECRYPTABLE', reason: 'tampered', address: store.address });
        expect(error.message).toContain(store.address);
        expect(await backend.raw(env, grant)).toBe(before);
      });

      test('a record read with another key, or with none, is refused with advice, and left byte for byte as it was', async () => {
        const { env, grant, store } = await setup({ GOTO_GRANT_STORE_KEY: keyA });
        await store.commit(0, grantRecord(1));
        const before = await backend.raw(env, grant);
        const wrong = await refusal((await holder(env, grant, { GOTO_GRANT_STORE_KEY: keyB })).read());
        expect(wrong).toMatchObject({ code: 'GRANT_STORE_UNDECRYPTABLE', reason: 'wrong-key' });
        expect(wrong.recordKeyId).not.toBe(wrong.holderKeyId);
        expect(wrong.advice).toContain('GOTO_GRANT_STORE_KEY the record was written with');
        const none = await refusal((await holder(env, grant)).read());
        expect(none).toMatchObject({
          code: 'GRANT_STORE_UNDECRYPTABLE',
          reason: 'no-key',
          recordKeyId: wrong.recordKeyId,
        });
        for (const error of [wrong, none]) expect(error.message).not.toContain(keyA);
        expect(await backend.raw(env, grant)).toBe(before);
      });

      test('with a key, a token stored in clear is refused: whoever could write it could plant a grant', async () => {
        const { env, grant, store } = await setup();
        await store.commit(0, grantRecord(1));
        const error = await refusal((await holder(env, grant, { GOTO_GRANT_STORE_KEY: keyA })).read());
        expect(error).toMatchObject({ code: 'GRANT_STORE_UNDECRYPTABLE', reason: 'stored-in-clear' });
      });
    });
  });
}

/**
 * A store a server refuses (a plain connection to a TLS-only port): reading and committing each
 * fail with a GrantStoreError holding `facts`, naming the server, never the password.
 */
export async function expectEveryOperationRefused(
  store: GrantStore,
  expected: { code: string; store: 'redis' | 'postgres'; address: string; reason?: string; advice: string },
  named: string,
  password: string,
): Promise<void> {
  const { advice, ...facts } = expected;
  for (const [operation, attempt] of [
    ['read the grant', () => store.read()],
    ['commit', () => store.commit(0, grantRecord(1))],
  ] as const) {
    const error = await attempt().then(
      () => {
        throw new Error(`${operation} was not refused`);
      },
      (error: unknown) => error as GrantStoreError,
    );
    expect(error, operation).toBeInstanceOf(GrantStoreError);
    expect(error, operation).toMatchObject(facts);
    expect(error.message, operation).toContain(`${named} at ${facts.address}`);
    expect(error.message, `${operation}: what to do`).toContain(advice);
    expect(error.message, operation).not.toContain(password);
  }
}
