import type { Command } from 'commander';
import { Option } from 'commander';
import { excludeNamespaceOption } from './cluster-options.js';
import { deadLetterOption, flowsOption, formatOption } from './flow-input-options.js';
import { addRedisOptions } from './redis-options.js';
import { defaultDenyOption, isolateIdleOption, minWindowOption } from './synthesis-options.js';

/** Adds the proposal flags of `apply`, `pr` and `refresh`: where the policies come from, and the synthesis flags. */
export function addProposalOptions(command: Command): Command {
  command
    .addOption(flowsOption('flow log file to learn from (repeatable); - reads stdin'))
    .addOption(formatOption())
    .addOption(deadLetterOption('write unreadable flow records there, one JSON line each'))
    .addOption(new Option('--proposed <dir>', 'policies already generated: a palisade generate output directory').env('PALISADE_PROPOSED'));
  return addRedisOptions(command, { url: 'the baseline in Redis (palisade baseline run); password also from PALISADE_REDIS_PASSWORD', prefix: 'key prefix of the Redis baseline' })
    .addOption(excludeNamespaceOption())
    .addOption(defaultDenyOption())
    .addOption(isolateIdleOption())
    .addOption(minWindowOption('refuse workloads observed for less than this (rule 16); 0s turns the gate off'));
}
