import type { Command } from 'commander';
import { Option } from 'commander';
import { clusterFileOption } from './cluster-options.js';
import { collectList } from './flag-values.js';

/** `--flows PATH` (repeatable; `-` is stdin). */
export function flowsOption(help: string): Option {
  return new Option('--flows <path>', help).argParser(collectList).env('PALISADE_FLOWS');
}

/** `--format FORMAT` of flow logs read by the CLI; its choices come from {@link addFormatChoices}. */
export function formatOption(): Option {
  return new Option('--format <format>', 'flow log format').default('auto').env('PALISADE_FORMAT');
}

/**
 * Gives every `--format` option of `command` the collector's formats as its choices. Called by
 * runCli before the command parses its flags (help included), so `palisade --help` need not load
 * the collector to print the list of commands.
 */
export async function addFormatChoices(command: Command): Promise<void> {
  const formats = command.options.filter((option) => option.long === '--format');
  if (formats.length === 0) return;
  const { INGEST_FORMATS } = await import('@palisade/collector');
  for (const option of formats) option.choices([...INGEST_FORMATS]);
}

/** `--dead-letter FILE`: unreadable records, one JSON line each. */
export function deadLetterOption(help = 'write unreadable records there, one JSON line each'): Option {
  return new Option('--dead-letter <file>', help).env('PALISADE_DEAD_LETTER');
}

/**
 * `--max-clock-skew` and `--max-record-age`: records dated further from the time of the run are
 * dead letters (their defaults are the collector's DEFAULT_RECORD_TIME_LIMITS).
 */
export function addRecordTimeOptions(command: Command): Command {
  return command
    .addOption(new Option('--max-clock-skew <duration>', 'records dated more than this after now are dead letters (clock skew allowed)').default('5m').env('PALISADE_MAX_CLOCK_SKEW'))
    .addOption(new Option('--max-record-age <duration>', 'records dated more than this before now are dead letters (1970, unset times)').default('3650d').env('PALISADE_MAX_RECORD_AGE'));
}

/** Adds `--flows`, `--format`, `--cluster` and `--dead-letter` to a command. */
export function addFlowInputOptions(command: Command, flowsHelp = 'flow log file (repeatable); - reads stdin'): Command {
  return command
    .addOption(flowsOption(flowsHelp))
    .addOption(formatOption())
    .addOption(clusterFileOption('cluster objects as kubectl get -o yaml prints them (selectors, ports, DNS)'))
    .addOption(deadLetterOption());
}
