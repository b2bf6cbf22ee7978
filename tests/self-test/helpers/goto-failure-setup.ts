import { readFile } from 'node:fs/promises';
import type { Fault } from '../../../emulator/control-client';
import {
  expect,
  readEnvValues,
  test,
  updateEnvFile,
  type EmulatorControl,
  type RedactedExchange,
  type Sandbox,
} from '../fixtures';
import { expectedFingerprint } from './fingerprints';

/*
 * What the tests of GoTo's failures (goto-failures-*.spec.ts) share: a sandbox brought to
 * the state of a first run, the secrets an error must not show, and the exchange a report
 * shows.
 */

export type { Fault, FaultRoute } from '../../../emulator/control-client';

export const exchangeStep = 'exchange the authorization code for tokens';
export const refreshStep = 'refresh the access token';

/** Logs in at the emulator and puts the code in the sandbox's env file, as a person would paste it. */
export async function pasteFreshCode(sandbox: Sandbox, emulator: EmulatorControl): Promise<string> {
  const { code } = await emulator.issueCode(sandbox.client.clientId);
  await updateEnvFile(sandbox.envFile, { GOTO_AUTH_CODE: code });
  return code;
}

/** The sandbox as after a first run: tokens in the env file. */
export async function withTokens(sandbox: Sandbox, emulator: EmulatorControl) {
  await pasteFreshCode(sandbox, emulator);
  return sandbox.chain.exchangeCode();
}

/**
 * The Basic value of an id and secret written out by hand (RFC 7617 §2), not by the code under
 * test. The emulator's ids (UUIDs) and secrets (alphanumerics), and the wrong secrets here, hold
 * nothing form-urlencoding escapes, so this is the RFC 6749 §2.3.1 form as well.
 */
export function basicOf(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

/** Every secret the env file holds (client secret, code, tokens) and the Basic values built from it. */
export function secretsIn(sandbox: Sandbox, ...more: Array<string | undefined>): string[] {
  const values = readEnvValues(sandbox.envFile);
  const basic = basicOf(sandbox.client.clientId, values.GOTO_CLIENT_SECRET ?? sandbox.client.clientSecret);
  return [
    sandbox.client.clientSecret,
    values.GOTO_CLIENT_SECRET,
    basic,
    basic.slice('Basic '.length),
    values.GOTO_AUTH_CODE,
    values.GOTO_ACCESS_TOKEN,
    values.GOTO_REFRESH_TOKEN,
    ...more,
  ].filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
}

export function expectNoSecret(message: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(message.includes(secret), `no secret (${expectedFingerprint(secret)}) in the message`).toBe(false);
  }
}

/** The last redacted exchange the `send` fixture attached for `name`, as a person sees it in the report. */
export async function attachedExchange(name: string): Promise<RedactedExchange | undefined> {
  const attachment = test
    .info()
    .attachments.filter((candidate) => candidate.name === name)
    .at(-1);
  const body = attachment?.body ?? (attachment?.path ? await readFile(attachment.path) : undefined);
  return body ? (JSON.parse(body.toString('utf8')) as RedactedExchange) : undefined;
}

export function json(value: unknown): Pick<Fault, 'headers' | 'body'> {
  return { headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(value) };
}
