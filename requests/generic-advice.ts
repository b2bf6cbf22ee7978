/** Advice that depends only on the HTTP status, for failures no request explains better. */
export function genericAdvice(status: number): string {
  if (status === 429) return 'GoTo is rate limiting (10 requests per second per API): wait a minute and run again.';
  if (status >= 500) return 'GoTo had a server error: try again in a few minutes and check https://status.goto.com.';
  if (status === 404) return 'the URL does not exist on that host: check GOTO_AUTH_BASE_URL and GOTO_API_BASE_URL.';
  return 'check the GOTO_* settings and run again.';
}
