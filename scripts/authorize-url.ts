/**
 * Prints the GoTo authorize URL for the configured client, for people who log in with their
 * own browser (what the old form page did), asking for the scopes of GOTO_SCOPE when set.
 * The URL holds no secret; the Basic value is never printed: it is the client secret in base64.
 *
 *   npm run authorize-url
 */
import { isGotoRunnerError } from '../lib/errors';
import { loadSettings, requireSettings } from '../lib/config/goto-settings';
import { authorizeRequest } from '../lib/chain/authorize-request';

try {
  const settings = requireSettings(loadSettings(), ['clientId', 'redirectUri']);
  const { url } = authorizeRequest(settings);
  process.stdout.write(
    [
      'Open this URL, log in to GoTo and allow access:',
      '',
      `  ${url.toString()}`,
      '',
      `You are sent to ${settings.redirectUri} with ?code=… in the address bar (the page itself may show an error).`,
      `Copy the code, or the whole URL, into GOTO_AUTH_CODE in ${settings.envFile} within 10 minutes, ` +
        'then run: npx playwright test',
      '',
    ].join('\n'),
  );
} catch (error) {
  if (!isGotoRunnerError(error)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
