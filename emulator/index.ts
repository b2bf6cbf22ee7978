/*
 * The emulator's public entry for playwright.config.ts, which every worker evaluates: it
 * stays this small (no server, no routes) so a worker loads nothing of the emulator. Global
 * setup starts the server from server.ts; tests drive it with control-client.ts.
 */
export { prepareSigningKey } from './jwt';
