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
  try {
    return contentsOf(await fs.readFile(path));
  } catch (error) {
    return missingOrFailed(path, error);
  }
}

function contentsOf(bytes: Buffer): EnvFileContents {
  const text = bytes.toString('utf8');
  return { exists: true, text, values: parse(text) };
}

function missingOrFailed(path: string, error: unknown): EnvFileContents {
  if (fsCode(error) === 'ENOENT') return { exists: false, text: '', values: {} };
  throw new EnvFileError('ENV_FILE_READ_FAILED', { path, reason: fsCode(error) ?? 'error' }, { cause: error });
}
