/**
 * Runs the GoTo emulator from the command line:
 *
 *   node -r ts-node/register/transpile-only emulator/main.ts --port 4010
 *
 * Port: `--port N` (or `--port=N`), else GOTO_EMULATOR_PORT, else 0 (a free port).
 * With GOTO_CLIENT_ID and GOTO_CLIENT_SECRET (and optionally GOTO_REDIRECT_URI) in the
 * environment, that client is registered at start, so the collection can be pointed at
 * the emulator unchanged. It prints no secret, code or token, ever.
 */
import { EmulatorControl } from './control-client';
import { startEmulator } from './server';

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2), process.env.GOTO_EMULATOR_PORT);
  const emulator = await startEmulator({ port });
  printHowToStart(emulator.url);
  await registerClientFromEnv(emulator.url);
  closeOnSignals(emulator);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printHowToStart(url: string): void {
  log(`GoTo emulator listening on ${url}`);
  log(`Register an OAuth client (the answer holds its id, secret and the user to log in as):`);
  log(
    `  curl -s -X POST ${url}/__emulator/clients -H 'content-type: application/json' ` +
      `-d '{"redirectUris":["https://app.example.com/callback"]}'`,
  );
  log(`OAuth metadata: ${url}/.well-known/oauth-authorization-server`);
}

/** The client of GOTO_CLIENT_ID and GOTO_CLIENT_SECRET, so the collection can be pointed here unchanged. */
async function registerClientFromEnv(url: string): Promise<void> {
  const clientId = process.env.GOTO_CLIENT_ID;
  const clientSecret = process.env.GOTO_CLIENT_SECRET;
  if (!clientId || !clientSecret) return;
  const redirectUri = process.env.GOTO_REDIRECT_URI;
  try {
    const client = await new EmulatorControl(url).createClient({
      clientId,
      clientSecret,
      ...(redirectUri ? { redirectUris: [redirectUri] } : {}),
    });
    log(`Registered the client from GOTO_CLIENT_ID with redirect URI ${client.redirectUris[0] ?? ''}.`);
    log(`  Log in at ${url}/oauth/authorize as ${client.user.email}, password "${client.user.password}".`);
  } catch (error) {
    // The values stay out of the message: only which variable to look at.
    process.stderr.write(
      `Could not register the client from GOTO_CLIENT_ID/GOTO_CLIENT_SECRET/GOTO_REDIRECT_URI: ` +
        `${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

function closeOnSignals(emulator: { close(): Promise<void> }): void {
  const stop = (signal: NodeJS.Signals) => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `GoTo emulator: closing on ${signal} failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(args: string[], fromEnv: string | undefined): number {
  let raw: string | undefined = fromEnv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--port') raw = args[++i];
    else if (arg.startsWith('--port=')) raw = arg.slice('--port='.length);
  }
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port / GOTO_EMULATOR_PORT must be an integer from 0 to 65535`);
  }
  return port;
}

main().catch((error: unknown) => {
  process.stderr.write(`GoTo emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
