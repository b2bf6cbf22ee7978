import type { ApiService } from '../../requests/api-service';
import { GotoRunnerError } from './goto-runner-error';
import { requestHeadline, withLeaves, type RequestFacts } from './request-facts';

type NetworkFacts = RequestFacts & {
  /** Origin and path only: never a query or credential. */
  url: URL;
  timedOut: boolean;
  /** The system or undici error code (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET, …), or `timeout`. */
  reason: string;
  timeoutMs?: number;
  /** The connection closed before any answer came (the sender knows these codes: lib/http/retry-policy.ts). */
  closedEarly?: boolean;
  /**
   * The request may have reached the server and been acted on (a timeout or a closed
   * connection after a POST), so it was not sent again.
   */
  mayHaveArrived?: boolean;
};

/**
 * No HTTP answer at all: the host is unknown, refused the connection, closed it before
 * answering, or took too long. The message names the step, the address, the system's error
 * code, how many attempts were made, and what to do next, from the service's facts.
 */
export class ApiNetworkError extends GotoRunnerError {
  declare readonly code: 'API_NETWORK' | 'API_TIMEOUT';
  readonly api: string;
  readonly step: string;
  readonly method: string;
  /** Origin and path only. */
  readonly url: string;
  readonly reason: string;
  readonly timedOut: boolean;
  readonly attempts: number;
  readonly mayHaveArrived: boolean;

  constructor(init: NetworkFacts, options?: ErrorOptions) {
    const where = `${init.url.origin}${init.url.pathname}`;
    const headline = `${requestHeadline({ ...init, path: where })} ${what(init)}.`;
    const notAgain =
      'It was not sent again: it may have reached the server, and sending a token request twice replays ' +
      'a single-use code or refresh token (RFC 6749 §4.1.2, §10.4).';
    super(
      init.timedOut ? 'API_TIMEOUT' : 'API_NETWORK',
      {
        headline,
        ...(init.mayHaveArrived ? { details: [notAgain] } : {}),
        advice: withLeaves(adviceFor(init, init.service), init.service),
      },
      options,
    );
    this.api = init.service.name;
    this.step = init.step;
    this.method = init.method;
    this.url = where;
    this.reason = init.reason;
    this.timedOut = init.timedOut;
    this.attempts = init.attempts ?? 1;
    this.mayHaveArrived = init.mayHaveArrived ?? false;
  }
}

function what(init: NetworkFacts): string {
  const { reason, url } = init;
  if (init.timedOut)
    return init.timeoutMs === undefined ? 'got no answer in time' : `got no answer within ${init.timeoutMs / 1000} s`;
  if (reason === 'ECONNREFUSED') return `could not connect (ECONNREFUSED: nothing accepts connections at ${url.host})`;
  if (reason === 'ENOTFOUND') return `could not connect (ENOTFOUND: the host name "${url.hostname}" does not resolve)`;
  if (reason === 'EAI_AGAIN') return `could not connect (EAI_AGAIN: no name server answered for "${url.hostname}")`;
  if (init.closedEarly) return `lost the connection before any answer (${reason})`;
  return `could not connect (${reason})`;
}

function adviceFor(init: NetworkFacts, service: ApiService): string {
  const { reason } = init;
  const setting = service.hostSetting;
  if (init.timedOut || init.closedEarly) {
    const lost = init.mayHaveArrived
      ? '. If the next run answers invalid_grant, the server acted on this request and its answer was lost: ' +
        'authorize again'
      : '';
    return `check the network, the host in ${setting} and ${service.statusPage}, then run again${lost}`;
  }
  if (reason === 'ECONNREFUSED')
    return `check the host and port in ${setting} and that the server there is running, then run again`;
  if (reason === 'ENOTFOUND' || reason === 'EAI_AGAIN') {
    return (
      `check the host name in ${setting} for typos (${service.name}'s is ${service.realHost}) ` +
      "and this machine's DNS or proxy settings, then run again"
    );
  }
  if (/CERT|TLS|SSL/i.test(reason)) {
    return (
      `the TLS certificate was not accepted: check the host in ${setting}; ` +
      'behind a TLS-inspecting proxy, give Node its CA with NODE_EXTRA_CA_CERTS'
    );
  }
  return `check the network and the host in ${setting}, then run again`;
}
