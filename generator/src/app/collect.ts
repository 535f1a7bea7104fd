import type { CollectFlags, CollectSummary } from '@palisade/collector/service';
import { CollectConfigError, CollectorError } from '@palisade/collector';
import { CliError, InputError } from '../errors.js';
import type { CliIo } from '../io/cli-io.js';

/** The collector failed while running (Kafka refused, a source broke); the message says what. */
export class CollectError extends CliError {}

/**
 * `palisade collect`: the collector service. Reads a source, turns each record into oriented,
 * workload-resolved Flows and writes them to Kafka, until the input ends (file, stdin) or it is
 * stopped with SIGTERM/SIGINT (follow, kafka), flushing everything before it returns. The
 * settings come from the flags and `PALISADE_*` variables, parsed by the collector itself.
 */
export async function runCollect(flags: CollectFlags, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<CollectSummary> {
  const { parseCollectConfig, startCollect } = await import('@palisade/collector/service');
  try {
    const config = parseCollectConfig(flags, env);
    const running = await startCollect({ config, ...(io.stdin === process.stdin ? {} : { stdin: io.stdin as never }) });
    return await running.done;
  } catch (error) {
    if (error instanceof CollectConfigError) throw new InputError(error.message, { cause: error });
    if (error instanceof CollectorError) throw new CollectError(error.message, { cause: error });
    throw error;
  }
}
