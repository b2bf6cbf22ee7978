import type { z } from 'zod';
import type { PreparedRequest } from '../../requests';
import type { SendResult } from '../http/send-request';
import type { Sender } from './token-chain';

/** What every Webinar request definition takes first: where, with which token, for which organizer. */
export type GotoApiInput = { apiBaseUrl: string; accessToken: string; organizerKey: string };

/**
 * The Webinar API bound to this run's token and organizer, with the sender that makes each
 * call a step: a check spreads it into a definition's input, or lets `call` fill it in.
 */
export type GotoApi = GotoApiInput & {
  send: Sender;
  /**
   * Builds a request with a definition from requests/, the token, organizer and base URL
   * filled in, and sends it: `await gotoApi.call(getWebinarRequest, { webinarKey })`.
   */
  call<Input, Success extends z.ZodType, Failure extends z.ZodType>(
    define: (input: Input) => PreparedRequest<Success, Failure>,
    rest: Omit<Input, keyof GotoApiInput>,
  ): Promise<SendResult<z.output<Success>>>;
};

/**
 * Makes an API call with an access token, and when the API rejects that token replaces it
 * once and calls again (`TokenChain.withAccessToken`): a refresh elsewhere in the run (the
 * refresh step, another worker's check) may have revoked it, as GoTo's 2017 page says a
 * refresh does to the access token in use.
 */
export type WithAccessToken = <T>(
  accessToken: string,
  call: (accessToken: string, afterRefresh: boolean) => Promise<T>,
) => Promise<T>;

const asIs: WithAccessToken = (accessToken, call) => call(accessToken, false);

export function gotoApi(send: Sender, input: GotoApiInput, withAccessToken: WithAccessToken = asIs): GotoApi {
  return {
    ...input,
    send,
    // The definition's input takes the three as GotoApiInput holds them (keys as digit strings).
    call: (define, rest) =>
      withAccessToken(input.accessToken, (accessToken, afterRefresh) =>
        // `afterRefresh` reaches the definitions that take it, for their advice (requests/webinar-api.ts).
        send(
          define({ ...input, ...rest, accessToken, ...(afterRefresh ? { afterRefresh } : {}) } as Parameters<
            typeof define
          >[0]),
        ),
      ),
  };
}
