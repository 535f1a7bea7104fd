import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { IngestFormat } from '@palisade/collector';
import { INGEST_FORMATS } from '@palisade/collector';
import { clusterFileOption } from './cluster-flags.js';
import { collectList } from './flag-values.js';

/** zod of `--flows` (a list) and `--format`. */
export const FlowsFlag = z.array(z.string().min(1));
export const FormatFlag = z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]);

/** zod shape of the shared flow-input flags. */
export const FlowInputFlags = {
  flows: FlowsFlag,
  format: FormatFlag,
  cluster: z.string().optional(),
  deadLetter: z.string().optional(),
};

/** `--flows PATH` (repeatable; `-` is stdin). */
export function flowsOption(help: string): Option {
  return new Option('--flows <path>', help).argParser(collectList).env('PALISADE_FLOWS');
}

/** `--format FORMAT` of flow logs read by the CLI. */
export function formatOption(): Option {
  return new Option('--format <format>', 'flow log format').choices([...INGEST_FORMATS]).default('auto').env('PALISADE_FORMAT');
}

/** `--dead-letter FILE`: unreadable records, one JSON line each. */
export function deadLetterOption(help = 'write unreadable records there, one JSON line each'): Option {
  return new Option('--dead-letter <file>', help).env('PALISADE_DEAD_LETTER');
}

/** Adds `--flows`, `--format`, `--cluster` and `--dead-letter` to a command. */
export function addFlowInputOptions(command: Command, flowsHelp = 'flow log file (repeatable); - reads stdin'): Command {
  return command
    .addOption(flowsOption(flowsHelp))
    .addOption(formatOption())
    .addOption(clusterFileOption('cluster objects as kubectl get -o yaml prints them (selectors, ports, DNS)'))
    .addOption(deadLetterOption());
}
