import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { parse } from 'dotenv';
import { EnvFileError } from '../errors';

/**
 * The one reader of env files, for the product, the scripts, the config and the tests: the
 * bytes decoded as UTF-8 (a BOM kept, as dotenv's own `config()` keeps it) and read by
 * dotenv's `parse`, so every part of the project sees what dotenv would. A missing file
 * holds nothing; any other failure is an `ENV_FILE_READ_FAILED` naming the file and the
 * system's code, never a value.
 */
export type EnvFileContents = { exists: boolean; text: string; values: Record<string, string> };

/** The system error code (ENOENT, EACCES, ENOSPC, …) of a file-system error, if it has one. */
export function fsCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** The values of an env file; none when it does not exist. */
export function readEnvValues(path: string): Record<string, string> {
  return readEnvFileSync(path).values;
}

export function readEnvFileSync(path: string): EnvFileContents {
  try {
    return contentsOf(readFileSync(path));
  } catch (error) {
    return missingOrFailed(path, error);
  }
}

export async function readEnvFile(path: string): Promise<EnvFileContents> {
  const bytes = await readEnvBytes(path);
  return bytes === undefined ? missing() : contentsOf(bytes);
}

/**
 * The file's bytes, undecoded, for the store that rewrites them (env-file-store.ts); none
 * when it does not exist. `shownAs` names the file in an error (the path as given, where
 * `path` is a symlink's target).
 */
export async function readEnvBytes(path: string, shownAs: string = path): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    throwUnlessMissing(shownAs, error);
    return undefined;
  }
}

/** A failure to read or stat an env file, unless it is only missing (ENOENT). */
export function throwUnlessMissing(path: string, error: unknown): void {
  if (fsCode(error) === 'ENOENT') return;
  throw new EnvFileError('ENV_FILE_READ_FAILED', { path, reason: fsCode(error) ?? 'error' }, { cause: error });
}

function contentsOf(bytes: Buffer): EnvFileContents {
  const text = bytes.toString('utf8');
  return { exists: true, text, values: parse(text) };
}

function missing(): EnvFileContents {
  return { exists: false, text: '', values: {} };
}

function missingOrFailed(path: string, error: unknown): EnvFileContents {
  throwUnlessMissing(path, error);
  return missing();
}
