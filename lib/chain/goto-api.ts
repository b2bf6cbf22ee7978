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

export function gotoApi(send: Sender, input: GotoApiInput): GotoApi {
  return {
    ...input,
    send,
    // The definition's input takes the three as GotoApiInput holds them (keys as digit strings).
    call: (define, rest) => send(define({ ...input, ...rest } as Parameters<typeof define>[0])),
  };
}
