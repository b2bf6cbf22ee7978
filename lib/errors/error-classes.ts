import { ApiBodyError } from './api-body-error';
import { ApiNetworkError } from './api-network-error';
import { ApiStatusError } from './api-status-error';
import { AuthCodeError } from './auth-code-error';
import { AuthorizeError } from './authorize-error';
import { ConfigError } from './config-error';
import { CustodianError } from './custodian-error';
import { EnvFileError } from './env-file-error';
import { GrantHolderError } from './grant-holder-error';
import { GrantStoreError } from './grant-store-error';
import { GrantTransferError } from './grant-transfer-error';
import { RateLimiterError } from './rate-limiter-error';
import { TokenRequestWithheldError } from './token-request-withheld-error';
import { VercelSyncError } from './vercel-sync-error';

/**
 * Every error class this project throws, by name: an error that crossed from the custodian's
 * process (./serialized-error.ts) comes back of its own class, and `isGotoRunnerError` knows
 * one by its name. tests/self-test/errors.spec.ts fails when a class is missing here.
 */
export const errorClasses = {
  ApiStatusError,
  ApiNetworkError,
  ApiBodyError,
  ConfigError,
  EnvFileError,
  AuthCodeError,
  AuthorizeError,
  CustodianError,
  TokenRequestWithheldError,
  RateLimiterError,
  GrantStoreError,
  GrantHolderError,
  GrantTransferError,
  VercelSyncError,
} as const;

export type ErrorClassName = keyof typeof errorClasses;

/** An error of one of the classes above: its `code` tells which facts it holds. */
export type KnownError = InstanceType<(typeof errorClasses)[ErrorClassName]>;

/**
 * Whether `error` is one of this project's errors (of the class `name`, when given), told by
 * its name and code as ky's `isKyError` does, not by `instanceof`: an error made by another
 * copy of the classes (the broker's bundle, the custodian's) is known all the same.
 */
export function isGotoRunnerError(error: unknown): error is KnownError;
export function isGotoRunnerError<Name extends ErrorClassName>(
  error: unknown,
  name: Name,
): error is InstanceType<(typeof errorClasses)[Name]>;
export function isGotoRunnerError(error: unknown, name?: ErrorClassName): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name: actual, code } = error as { name?: unknown; code?: unknown };
  if (typeof actual !== 'string' || typeof code !== 'string' || !Object.hasOwn(errorClasses, actual)) return false;
  return name === undefined || actual === name;
}
