import type { Command } from 'commander';
import { Option } from 'commander';
import { addOldSpelling } from './old-spellings.js';

/**
 * Adds `--redis-url` (old spelling `--redis`, hidden) and `--redis-prefix`. `generate` reads
 * `PALISADE_REDIS_URL` only once `--redis-url` is given (the variable alone must not turn a
 * `--flows` run into a Redis run), so it passes `urlFromEnvironment: false`.
 */
export function addRedisOptions(command: Command, help: { readonly url: string; readonly prefix: string }, options: { readonly urlFromEnvironment?: boolean } = {}): Command {
  const url = new Option('--redis-url <url>', help.url);
  command.addOption(options.urlFromEnvironment === false ? url : url.env('PALISADE_REDIS_URL'));
  addOldSpelling(command, 'redisUrl', 'url');
  return command.addOption(new Option('--redis-prefix <prefix>', help.prefix).default('palisade:').env('PALISADE_REDIS_PREFIX'));
}
