import type { VercelEnvType } from '../../requests/vercel-upsert-env';
import type { VercelTarget } from '../../requests/vercel-api';
import type { ApiBodyError } from './api-body-error';
import type { ApiNetworkError } from './api-network-error';
import type { ApiStatusError } from './api-status-error';
import { GotoRunnerError } from './goto-runner-error';

export type VercelSyncErrorCode =
  /** A VERCEL_* setting is invalid: nothing was sent. */
  | 'VERCEL_CONFIG'
  /** Vercel answered a request of the sync with an error status (the cause: ApiStatusError). */
  | 'VERCEL_HTTP_STATUS'
  /** No answer from Vercel (the cause: ApiNetworkError). */
  | 'VERCEL_NETWORK'
  /** An answer whose body is not what Vercel documents (the cause: ApiBodyError). */
  | 'VERCEL_RESPONSE'
  /** Vercel answered 201 but listed a variable it did not save. */
  | 'VERCEL_ENV_NOT_SAVED'
  /** There is no hook and no READY production deployment to redeploy. */
  | 'VERCEL_NO_DEPLOYMENT';

/** What one environment got: which variables, stored how. Never a value. */
export type VercelTargetResult = { target: VercelTarget; type: VercelEnvType; keys: string[] };

/** How far the sync got when it stopped. */
export type VercelSyncProgress = {
  targets: readonly VercelTarget[];
  /** The environments whose variables were saved before the failure. */
  done: readonly VercelTargetResult[];
  /** The environment the failed request was for, if it was for one. */
  failedAt?: VercelTarget;
  /** The redeploy that happened before the failure, in words (`deploy hook job 4711`): no hook URL. */
  redeployed?: string;
  /** The variable that records the last redeploy (lib/vercel/sync-record.ts). */
  recordKey: string;
};

/** A request of the sync that failed in the sender. */
export type SenderFailure = ApiStatusError | ApiNetworkError | ApiBodyError;

/** What a sync failure says: never a value, the Vercel token or the deploy hook. */
export type VercelSyncFacts = {
  /** How far it got; none for VERCEL_CONFIG, where nothing was sent. */
  progress?: VercelSyncProgress;
  /** For VERCEL_CONFIG: every invalid variable, named, and where they were read. */
  problems?: readonly string[];
  source?: string;
  /** For the three codes of a failed request: the sender's error, kept as `cause`. */
  failure?: SenderFailure;
  /** The request, for VERCEL_ENV_NOT_SAVED and VERCEL_NO_DEPLOYMENT, and the status it answered. */
  step?: string;
  method?: string;
  path?: string;
  status?: number;
  /** For VERCEL_ENV_NOT_SAVED: the variable refused, Vercel's words (redacted), and its advice for them. */
  key?: string;
  vercelCode?: string;
  vercelMessage?: string;
  vercelAdvice?: string;
  /** For VERCEL_NO_DEPLOYMENT. */
  project?: string;
};

/**
 * The Vercel sync (lib/vercel/vercel-sync.ts) stopped. The message names the step, the method
 * and path, the status, Vercel's error code and message, what to do next, and how far the
 * sync got; a failed request's own error is the `cause`, as ky's NetworkError keeps its. The
 * env file is never written.
 */
export class VercelSyncError extends GotoRunnerError {
  declare readonly code: VercelSyncErrorCode;
  readonly step: string | undefined;
  readonly status: number | undefined;
  /** Vercel's `error.code` (`forbidden`, `not_found`, `ENV_CONFLICT`, …). */
  readonly vercelCode: string | undefined;
  readonly vercelMessage: string | undefined;
  readonly targets: readonly VercelTarget[];
  /** The environments whose variables were saved before the failure. */
  readonly done: readonly VercelTargetResult[];
  readonly failedAt: VercelTarget | undefined;
  readonly redeployed: string | undefined;
  readonly problems: readonly string[] | undefined;
  readonly key: string | undefined;
  readonly project: string | undefined;

  constructor(code: VercelSyncErrorCode, facts: VercelSyncFacts) {
    const { failure, progress } = facts;
    super(
      code,
      {
        ...partsOf(code, facts),
        ...(progress ? { aftermath: progressText(progress) } : {}),
      },
      failure ? { cause: failure } : undefined,
    );
    const said = failure?.code === 'API_STATUS' ? failure : undefined;
    this.step = facts.step ?? failure?.step;
    this.status = facts.status ?? (failure && 'status' in failure ? failure.status : undefined);
    this.vercelCode = facts.vercelCode ?? said?.error;
    this.vercelMessage = facts.vercelMessage ?? said?.description;
    this.targets = progress?.targets ?? [];
    this.done = progress?.done ?? [];
    this.failedAt = progress?.failedAt;
    this.redeployed = progress?.redeployed;
    this.problems = facts.problems;
    this.key = facts.key;
    this.project = facts.project;
  }
}

function partsOf(
  code: VercelSyncErrorCode,
  facts: VercelSyncFacts,
): { headline: string; details?: readonly string[]; advice: string } {
  const request = `Step "${facts.step ?? '?'}" failed: ${facts.method ?? '?'} ${facts.path ?? '?'}`;
  switch (code) {
    case 'VERCEL_CONFIG':
      return {
        headline: `The Vercel settings are invalid (read from ${facts.source ?? 'the environment'} and the environment); nothing was sent:`,
        details: (facts.problems ?? []).map((problem) => `  - ${problem}`),
        advice: 'fix each VERCEL_* variable listed above, or unset VERCEL_TOKEN to leave the sync off, then run again',
      };
    case 'VERCEL_HTTP_STATUS':
    case 'VERCEL_NETWORK':
    case 'VERCEL_RESPONSE': {
      // The sender's error already speaks of Vercel: the request's service names it and its settings.
      const { failure } = facts;
      return failure
        ? { headline: failure.headline, details: failure.details, advice: failure.advice }
        : { headline: `${request}.`, advice: 'run the sync again' };
    }
    case 'VERCEL_ENV_NOT_SAVED': {
      const description = facts.vercelMessage ? ` ${JSON.stringify(facts.vercelMessage)}` : '';
      const saidWhy = facts.vercelCode ? ` (${facts.vercelCode}${description})` : '';
      return {
        headline: `${request} answered HTTP 201, but Vercel did not save ${facts.key ?? 'a variable'}${saidWhy}.`,
        advice: facts.vercelAdvice ?? 'run the sync again',
      };
    }
    case 'VERCEL_NO_DEPLOYMENT':
      return {
        headline: `${request} found no READY production deployment of project "${facts.project ?? '?'}" to redeploy.`,
        advice:
          'deploy the project once (push to its production branch, or run `vercel --prod`), ' +
          'or set VERCEL_DEPLOY_HOOK_URL to a deploy hook (Project → Settings → Git → Deploy Hooks), then run again',
      };
  }
}

/** How far the sync got, for the end of a failure message. */
function progressText({ done, targets, failedAt, redeployed, recordKey }: VercelSyncProgress): string {
  const saved = done.map((result) => result.target);
  const notSaved = targets.filter((target) => !saved.includes(target));
  const parts = [
    saved.length > 0 ? `Saved on Vercel before the failure: ${saved.join(', ')}.` : 'Nothing was saved on Vercel.',
    notSaved.length > 0 ? `Not saved: ${notSaved.join(', ')}${failedAt ? ` (stopped at ${failedAt})` : ''}.` : '',
    redeployed
      ? `The redeploy happened (${redeployed}), but its record (${recordKey}) was not saved ` +
        'everywhere: the next sync redeploys again.'
      : 'No redeploy happened.',
    'The env file was not changed. Running the sync again is safe.',
  ];
  return parts.filter(Boolean).join(' ');
}
