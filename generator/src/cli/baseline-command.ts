import { Command, Option } from 'commander';
import type { BaselineOutput } from './baseline-render.js';
import type { CommandContext } from './command-context.js';
import { kafkaBrokersOption } from './options/kafka-options.js';
import { outputOption } from './options/output-option.js';
import { addRedisOptions } from './options/redis-options.js';

/** What every `baseline` subcommand loads when it runs: the use cases, the flag parsing and the renderers. */
async function load() {
  const [app, config, render, redis] = await Promise.all([import('../app/baseline.js'), import('./baseline-config.js'), import('./baseline-render.js'), import('./flags/redis-flags.js')]);
  return { ...app, ...config, ...render, redisSettingsFromFlags: redis.redisSettingsFromFlags };
}

const withRedisOptions = (command: Command): Command =>
  addRedisOptions(command, { url: 'redis://[user:password@]HOST:PORT or rediss:// for TLS', prefix: 'key prefix of the baseline' });

const baselineOutputOption = () => outputOption(['text', 'json', 'yaml'], 'output format');

/** `palisade baseline run|show|lock|unlock|approve|refresh`. */
export function baselineCommand(context: CommandContext): Command {
  const { io } = context;
  const baseline = new Command('baseline').summary('the baseliner service and baseline maintenance').description(
    'The baseline is what Palisade learned each workload needs, kept in Redis by the baseliner service\n(`baseline run`) and read by `palisade generate --redis-url`.',
  );

  baseline.addCommand(
    withRedisOptions(new Command('run'))
      .summary('consume flows from Kafka into the Redis baseline until SIGTERM/SIGINT')
      .addOption(kafkaBrokersOption('HOST:PORT[,HOST:PORT…]'))
      .addOption(new Option('--group <id>', 'consumer group (replicas share partitions)').env('PALISADE_BASELINER_GROUP'))
      .addOption(new Option('--topic <name>', 'flows topic').env('PALISADE_FLOWS_TOPIC'))
      .addOption(new Option('--dead-letter-topic <name>', 'where unreadable messages go').env('PALISADE_DEAD_LETTER_TOPIC'))
      .addOption(new Option('--anomalies-topic <name>', 'where edges first seen under a lock go').env('PALISADE_ANOMALIES_TOPIC'))
      .addOption(new Option('--flush-flows <n>', 'write to Redis after this many flows').env('PALISADE_BASELINER_FLUSH_FLOWS'))
      .addOption(new Option('--flush-interval <ms>', 'or after this many milliseconds').env('PALISADE_BASELINER_FLUSH_INTERVAL_MS'))
      .addOption(new Option('--unhealthy-after <ms>', '/healthz turns 503 when flows wait this many milliseconds without a successful flush (default 60000)').env('PALISADE_BASELINER_UNHEALTHY_AFTER_MS'))
      .addOption(new Option('--metrics-port <port>', 'serve /metrics and /healthz on this port').env('PALISADE_METRICS_PORT'))
      .addOption(new Option('--session-timeout <ms>', 'Kafka group session timeout').env('PALISADE_KAFKA_SESSION_TIMEOUT_MS'))
      .addOption(new Option('--heartbeat-interval <ms>', 'Kafka group heartbeat interval').env('PALISADE_KAFKA_HEARTBEAT_INTERVAL_MS'))
      .addOption(new Option('--rebalance-timeout <ms>', 'Kafka group rebalance timeout').env('PALISADE_KAFKA_REBALANCE_TIMEOUT_MS'))
      .addHelpText('after', '\nKafka TLS/SASL and Redis AUTH/TLS come from PALISADE_KAFKA_* and PALISADE_REDIS_* variables.\n')
      .action(async (flags: Record<string, string | undefined>) => {
        const { runBaselineService } = await import('../app/baseline.js');
        await runBaselineService(flags);
      }),
  );

  baseline.addCommand(
    withRedisOptions(new Command('show'))
      .summary('print the stored baseline: owners, windows, locks, edges, anomalies')
      .addOption(new Option('--workload <id>', 'only edges into or out of NS/KIND/NAME'))
      .addOption(baselineOutputOption())
      .action(async (flags: Record<string, unknown>) => {
        const { workloadFlag, showBaseline, redisSettingsFromFlags, renderView } = await load();
        const workload = flags['workload'] === undefined ? undefined : workloadFlag(flags['workload'] as string);
        const view = await showBaseline(await redisSettingsFromFlags(flags), workload);
        io.stdout.write(renderView(view, flags['output'] as BaselineOutput));
      }),
  );

  for (const [name, summary] of [
    ['lock', 'freeze a baseline: new edges of the namespace or workload become anomalies'],
    ['unlock', 'let new edges join the baseline again'],
  ] as const) {
    baseline.addCommand(
      withRedisOptions(new Command(name))
        .summary(summary)
        .addOption(new Option('--namespace <ns>', 'every workload of a namespace'))
        .addOption(new Option('--workload <id>', 'one workload, NS/KIND/NAME'))
        .action(async (flags: Record<string, unknown>) => {
          const { lockTarget, lockBaseline, unlockBaseline, redisSettingsFromFlags } = await load();
          const target = lockTarget(flags);
          const label = target.kind === 'namespace' ? `namespace ${target.namespace}` : target.workload;
          const settings = await redisSettingsFromFlags(flags);
          if (name === 'lock') {
            await lockBaseline(settings, target);
            io.stdout.write(`locked ${label}\n`);
          } else io.stdout.write((await unlockBaseline(settings, target)) ? `unlocked ${label}\n` : `${label} was not locked\n`);
        }),
    );
  }

  baseline.addCommand(
    withRedisOptions(new Command('approve'))
      .summary('move anomalies into the allowed baseline (all, or of the given owners)')
      .addOption(new Option('--workload <id>', 'only anomalies into NS/KIND/NAME (repeatable)').argParser((value: string, previous: string[] = []) => [...previous, value]))
      .addOption(baselineOutputOption())
      .action(async (flags: Record<string, unknown>) => {
        const { workloadFlag, approveAnomalies, redisSettingsFromFlags, renderApproved } = await load();
        const owners = (flags['workload'] as string[] | undefined)?.map((value) => workloadFlag(value));
        const approved = await approveAnomalies(await redisSettingsFromFlags(flags), owners);
        io.stdout.write(renderApproved(approved, flags['output'] as BaselineOutput));
      }),
  );

  baseline.addCommand(
    withRedisOptions(new Command('refresh'))
      .summary('expire edges unseen for the retention window; print what changed since the last refresh')
      .addOption(new Option('--retention <duration>', 'edges unseen this long expire').default('14d').env('PALISADE_RETENTION'))
      .addOption(baselineOutputOption())
      .action(async (flags: Record<string, unknown>) => {
        const { retentionFlag, refreshBaseline, redisSettingsFromFlags, renderRefreshReport } = await load();
        const retention = retentionFlag(flags['retention']);
        const report = await refreshBaseline(await redisSettingsFromFlags(flags), retention);
        io.stdout.write(renderRefreshReport(report, flags['output'] as BaselineOutput));
      }),
  );
  // Nested subcommands do not inherit the program's output and exit handling: route them here so
  // help and errors go to the CLI's streams and end in runCli's one-line error, never process.exit.
  for (const command of [baseline, ...baseline.commands]) {
    command
      .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text), outputError: () => undefined })
      .showSuggestionAfterError()
      .exitOverride();
  }
  return baseline;
}
