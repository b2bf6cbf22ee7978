import { GotoRunnerError } from './goto-runner-error';

export type CustodianErrorCode =
  /** The custodian process could not be started: nothing was sent. */
  | 'CUSTODIAN_NOT_STARTED'
  /** The custodian ended without answering: its request may or may not have been sent. */
  | 'CUSTODIAN_ENDED'
  /** The run that asked for the request ended before the custodian sent it: nothing was sent. */
  | 'CUSTODIAN_ABANDONED';

/** What is known of the custodian process; never its plan, which names the env file's tokens. */
export type CustodianFacts = {
  /** The system's code when it could not be started (EAGAIN, ENOMEM, …). */
  reason?: string;
  pid?: number;
  /** How it ended: the signal, or else the exit code. */
  signal?: string;
  exitCode?: number;
};

/**
 * The token custodian (lib/custody/custodian-process.ts), the detached process that holds a
 * token request until its answer is stored, failed the run that asked it.
 */
export class CustodianError extends GotoRunnerError {
  declare readonly code: CustodianErrorCode;
  readonly reason: string | undefined;
  readonly pid: number | undefined;
  readonly signal: string | undefined;
  readonly exitCode: number | undefined;

  constructor(code: CustodianErrorCode, facts: CustodianFacts = {}) {
    super(code, { headline: headlineOf(code, facts), advice: adviceFor(code) });
    this.reason = facts.reason;
    this.pid = facts.pid;
    this.signal = facts.signal;
    this.exitCode = facts.exitCode;
  }
}

function headlineOf(code: CustodianErrorCode, facts: CustodianFacts): string {
  switch (code) {
    case 'CUSTODIAN_NOT_STARTED':
      return `The token custodian could not be started (${facts.reason ?? 'error'}); nothing was sent.`;
    case 'CUSTODIAN_ENDED': {
      const how = facts.signal ?? `exit code ${facts.exitCode ?? '?'}`;
      return `The token custodian (process ${facts.pid ?? '?'}) ended (${how}) without an answer.`;
    }
    case 'CUSTODIAN_ABANDONED':
      return 'The run that asked for this token request has ended; nothing was sent.';
  }
}

function adviceFor(code: CustodianErrorCode): string {
  switch (code) {
    case 'CUSTODIAN_NOT_STARTED':
      return "run again; if it fails again, check this machine's free memory and process limits";
    case 'CUSTODIAN_ENDED':
      return (
        'run `npm run status` before running again: if the custodian had sent its request, ' +
        'the env file may hold new tokens'
      );
    case 'CUSTODIAN_ABANDONED':
      return 'nothing: no run waits for this request';
  }
}
