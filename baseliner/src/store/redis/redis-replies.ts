/**
 * Typed readers of the replies the baseline store gets. ioredis hands every reply back as
 * `unknown`: a hash (HGETALL) as an object, a set (SMEMBERS) or a script's table as an array, an
 * integer as a number. Each reader checks the one shape its command returns and says what it got
 * otherwise, so a wrong reply fails where it is read instead of as a cast that breaks later.
 */

/** A reply that is not what its command returns (a wrong key type, a script of another version). */
export class UnexpectedReplyError extends Error {
  constructor(expected: string, reply: unknown) {
    super(`expected ${expected} from Redis, got ${describe(reply)}`);
    this.name = 'UnexpectedReplyError';
  }
}

/** The fields of a hash (HGETALL). */
export function hashReply(reply: unknown): Record<string, string> {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw new UnexpectedReplyError('a hash', reply);
  for (const value of Object.values(reply)) if (typeof value !== 'string') throw new UnexpectedReplyError('a hash of strings', reply);
  return reply as Record<string, string>;
}

/** A list of strings (SMEMBERS, or a script's table of strings). */
export function stringsReply(reply: unknown): string[] {
  if (!Array.isArray(reply) || !reply.every((item) => typeof item === 'string')) throw new UnexpectedReplyError('a list of strings', reply);
  return reply;
}

/** A script's flat `field, value, field, value, ...` table, as a hash. */
export function pairsReply(reply: unknown): Record<string, string> {
  const flat = stringsReply(reply);
  if (flat.length % 2 !== 0) throw new UnexpectedReplyError('field-value pairs', reply);
  const hash: Record<string, string> = {};
  for (let index = 0; index < flat.length; index += 2) hash[flat[index] as string] = flat[index + 1] as string;
  return hash;
}

/** An integer reply (SADD, HDEL, HSETNX, ...). */
export function integerReply(reply: unknown): number {
  if (typeof reply !== 'number' || !Number.isInteger(reply)) throw new UnexpectedReplyError('an integer', reply);
  return reply;
}

/** A table of tables (a script returning several lists). */
export function tablesReply(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new UnexpectedReplyError('a table', reply);
  return reply;
}

function describe(reply: unknown): string {
  if (reply === null) return 'nil';
  if (Array.isArray(reply)) return `a table of ${reply.length}`;
  return typeof reply === 'string' ? `the string ${JSON.stringify(reply.slice(0, 60))}` : typeof reply;
}
