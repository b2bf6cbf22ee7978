/**
 * Where the grant is kept, from GOTO_GRANT_STORE: unset, the env file (as before there was a
 * store); a `redis://` or `rediss://` URL (Upstash and Vercel KV hand out `rediss://` URLs);
 * a `postgres://` or `postgresql://` URL (Neon, Supabase, their poolers). A pure function:
 * the URL holds a password, so nothing here prints it, and the location keeps it on a
 * property that neither logging nor JSON shows.
 */
import { parse as parsePostgresUrl } from 'pg-connection-string';
import { GrantStoreError } from '../errors';
import { envFilePath, type Env } from '../config/env-target';

export type ServerLocation = {
  kind: 'redis' | 'postgres';
  host: string;
  port: number;
  /** Whether the connection is encrypted (`rediss://`; `sslmode`/`ssl` other than disable). */
  tls: boolean;
  /** `host:port`: how errors and status name the store. */
  address: string;
  /** The URL as given, password included: not enumerable, never printed. */
  readonly url: string;
};

export type StoreLocation = { kind: 'env-file'; address: string } | ServerLocation;

const defaultPorts = { redis: 6379, postgres: 5432 } as const;

export function storeLocation(env: Env): StoreLocation {
  const value = env.GOTO_GRANT_STORE?.trim();
  if (!value) return { kind: 'env-file', address: envFilePath(env) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return redisLocation(value, scheme === 'rediss');
  if (scheme === 'postgres' || scheme === 'postgresql') return postgresLocation(value);
  throw invalid(
    scheme ? `the scheme "${scheme}:" is not one of redis:, rediss:, postgres:, postgresql:` : 'it is not a URL',
  );
}

function invalid(reason: string): GrantStoreError {
  return new GrantStoreError('GRANT_STORE_URL_INVALID', { operation: 'read GOTO_GRANT_STORE', reason });
}

function redisLocation(value: string, tls: boolean): ServerLocation {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('it is not a valid URL');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid('it names no host');
  if (url.pathname.length > 1 && !/^\/\d+$/.test(url.pathname))
    throw invalid('its path must be a database number (`/0`) or nothing');
  return server('redis', host, url.port ? Number(url.port) : defaultPorts.redis, tls, value);
}

function postgresLocation(value: string): ServerLocation {
  let parsed: ReturnType<typeof parsePostgresUrl>;
  try {
    parsed = parsePostgresUrl(value);
  } catch {
    throw invalid('it is not a valid URL');
  }
  if (!parsed.host) throw invalid('it names no host');
  if (parsed.host.startsWith('/')) throw invalid('a Unix socket is not supported: give a host name');
  const port = parsed.port ? Number(parsed.port) : defaultPorts.postgres;
  if (!Number.isInteger(port)) throw invalid('its port is not a number');
  return server('postgres', parsed.host, port, !!parsed.ssl, value);
}

function server(kind: ServerLocation['kind'], host: string, port: number, tls: boolean, url: string): ServerLocation {
  const location = { kind, host, port, tls, address: `${host.includes(':') ? `[${host}]` : host}:${port}` };
  Object.defineProperty(location, 'url', { value: url, enumerable: false });
  return location as ServerLocation;
}
