/**
 * CI step after the daily chain: keeps a refresh token GoTo rotated during the run.
 * Exit 0 when nothing rotated or the new token was saved, 1 when it would be lost.
 *
 *   npm run save-rotated-token
 */
import { keepRotatedToken } from '../lib/custody/rotated-token';

const outcome = keepRotatedToken(process.env);
(outcome.kind === 'lost' ? process.stderr : process.stdout).write(`${outcome.message}\n`);
if (outcome.kind === 'lost') process.exitCode = 1;
