import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { IngestFormat } from '@palisade/collector';
import { INGEST_FORMATS } from '@palisade/collector';
import { collectList } from './list-flags.js';

/** zod shape of the shared flow-input flags. */
export const FlowInputFlags = {
  flows: z.array(z.string().min(1)),
  format: z.enum(INGEST_FORMATS as unknown as [IngestFormat, ...IngestFormat[]]),
  cluster: z.string().optional(),
  deadLetter: z.string().optional(),
};

/** Adds `--flows`, `--format`, `--cluster` and `--dead-letter` to a command. */
export function addFlowInputOptions(command: Command, flowsHelp = 'flow log file (repeatable); - reads stdin'): Command {
  return command
    .addOption(new Option('--flows <path>', flowsHelp).argParser(collectList).env('PALISADE_FLOWS'))
    .addOption(new Option('--format <format>', 'flow log format').choices([...INGEST_FORMATS]).default('auto').env('PALISADE_FORMAT'))
    .addOption(new Option('--cluster <file>', 'cluster objects as kubectl get -o yaml prints them (selectors, ports, DNS)').env('PALISADE_CLUSTER'))
    .addOption(new Option('--dead-letter <file>', 'write unreadable records there, one JSON line each').env('PALISADE_DEAD_LETTER'));
}
