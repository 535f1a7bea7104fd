/**
 * What a Redis URL must look like, checked before any client sees it: ioredis hands a port that is
 * not a number to `new URL` (a TypeError with a stack) and a database that is not one to SELECT as
 * `NaN` (an uncaught ReplyError). The messages never quote the URL itself: it may hold a password.
 */

/** The parts of a Redis URL Palisade checks. */
export interface RedisUrlParts {
  /** `HOST:PORT` as written (no credentials), for messages. */
  readonly address: string;
  /** The database number (the path, `/N`); 0 when the URL names none. */
  readonly database: number;
}

const SHAPE = 'is not a Redis URL: redis://HOST[:PORT][/DB] (rediss:// for TLS)';

/** Quotes a fragment of the URL that holds no credentials, cut short. */
const quote = (text: string) => JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}…` : text);

/** Checks a Redis URL: its parts, or the one-line reason it is not one. */
export function parseRedisUrl(url: string): { readonly ok: true; readonly parts: RedisUrlParts } | { readonly ok: false; readonly message: string } {
  const match = /^(rediss?):\/\/(?:[^@/?#]*@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i.exec(url.trim());
  if (match === null) return { ok: false, message: SHAPE };
  const authority = match[2] ?? '';
  const hostPort = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(authority);
  if (hostPort === null) return { ok: false, message: SHAPE };
  const [, host = '', port] = hostPort;
  if (host === '' || host === '[]') return { ok: false, message: 'needs a host: redis://HOST:PORT' };
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535))
    return { ok: false, message: `port ${quote(port)} is not a number from 1 to 65535` };
  const path = (match[3] ?? '').replace(/^\//, '');
  if (path !== '' && !/^\d{1,9}$/.test(path)) return { ok: false, message: `database ${quote(path)} is not a number (the path is the database: redis://HOST:PORT/0)` };
  try {
    new URL(url.trim());
  } catch {
    return { ok: false, message: SHAPE };
  }
  return { ok: true, parts: { address: authority, database: path === '' ? 0 : Number(path) } };
}
