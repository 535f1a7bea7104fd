import { Command, Option } from 'commander';
import yaml from 'js-yaml';
import type { Anomaly, BaselineStore, Edge, LockTarget, OwnerSummary } from '@palisade/baseliner';
import { BaselinerError, DEFAULT_RETENTION_MS, edgeKey, expiryCutoff, parsePeerId, parseRetention, peerId } from '@palisade/baseliner';
import { parseBaselinerSettings, runBaselinerService } from '@palisade/baseliner/service';
import { InputError, CliError } from '../errors.js';
import type { CommandContext } from './command-context.js';
import { withRedisStore } from '../app/redis-store.js';
import { redisSettingsFromFlags } from './flags/redis-flags.js';

/** The baseliner service could not start or stopped on an error (Kafka or Redis). */
export class BaselinerServiceError extends CliError {}

const addRedisOptions = (command: Command): Command =>
  command
    .addOption(new Option('--redis-url <url>', 'redis://[user:password@]HOST:PORT or rediss:// for TLS').env('PALISADE_REDIS_URL'))
    .addOption(new Option('--redis-prefix <prefix>', 'key prefix of the baseline').default('palisade:').env('PALISADE_REDIS_PREFIX'));

/** `ns/Kind/name` or an InputError saying what a workload id looks like. */
function workloadFlag(value: string, flag = '--workload'): string {
  const peer = parsePeerId(value);
  if (peer?.kind !== 'workload') throw new InputError(`${flag} ${JSON.stringify(value)}: must be NAMESPACE/KIND/NAME, for example shop/Deployment/api`);
  return peerId(peer);
}

function lockTarget(flags: Record<string, unknown>): LockTarget {
  const namespace = flags['namespace'] as string | undefined;
  const workload = flags['workload'] as string | undefined;
  if ((namespace === undefined) === (workload === undefined)) throw new InputError('needs exactly one of --namespace NS or --workload NS/KIND/NAME');
  if (namespace !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new InputError(`--namespace ${JSON.stringify(namespace)}: is not a namespace name`);
    return { kind: 'namespace', namespace };
  }
  return { kind: 'workload', workload: workloadFlag(workload as string) };
}

const formatTime = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
const edgeLine = (edge: Edge) =>
  `${peerId(edge.source)} -> ${peerId(edge.destination)} ${edge.protocol}${edge.port === undefined ? '' : `/${edge.port}`}  flows=${edge.flows} denied=${edge.deniedFlows} first=${formatTime(edge.firstSeen)} last=${formatTime(edge.lastSeen)} verdict=${edge.lastVerdict}`;

/** What `baseline show` prints, as data. */
export interface BaselineView {
  readonly owners: readonly OwnerSummary[];
  readonly locks: { readonly namespaces: Record<string, number>; readonly workloads: Record<string, number> };
  readonly edges: readonly Edge[];
  readonly anomalies: readonly Anomaly[];
}

/** The view of the stored baseline, restricted to edges into or out of `workload` when given. */
export async function readBaselineView(store: BaselineStore, workload?: string): Promise<BaselineView> {
  const touches = (edge: Edge) => workload === undefined || peerId(edge.source) === workload || peerId(edge.destination) === workload;
  const [baseline, owners, anomalies, locks] = [await store.read(), await store.owners(), await store.anomalies(), await store.locks()];
  return {
    owners: owners.filter((owner) => workload === undefined || owner.owner === workload),
    locks: { namespaces: Object.fromEntries(locks.namespaces), workloads: Object.fromEntries(locks.workloads) },
    edges: baseline.edges.filter(touches),
    anomalies: anomalies.filter((anomaly) => touches(anomaly.edge)),
  };
}

function renderView(view: BaselineView, output: string): string {
  if (output === 'json') return `${JSON.stringify(view, null, 2)}\n`;
  if (output === 'yaml') return yaml.dump(JSON.parse(JSON.stringify(view)), { lineWidth: -1, noRefs: true, sortKeys: false });
  const lines = [`${view.edges.length} edges, ${view.anomalies.length} anomalies, ${view.owners.length} owners`];
  const locked = [...Object.keys(view.locks.namespaces).map((ns) => `namespace ${ns}`), ...Object.keys(view.locks.workloads)];
  if (locked.length > 0) lines.push(`locked: ${locked.join(', ')}`);
  lines.push('', 'OWNER  WINDOW-START  EDGES  ANOMALIES');
  for (const owner of view.owners) lines.push(`${owner.owner}  ${formatTime(owner.windowStart)}  ${owner.edges}  ${owner.anomalies}`);
  lines.push('', 'EDGES');
  for (const edge of view.edges) lines.push(`  ${edgeLine(edge)}`);
  if (view.anomalies.length > 0) {
    lines.push('', 'ANOMALIES (first seen under a lock; palisade baseline approve)');
    for (const anomaly of view.anomalies) lines.push(`  ${edgeLine(anomaly.edge)}`);
  }
  return `${lines.join('\n')}\n`;
}

const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text').env('PALISADE_OUTPUT');

/** `palisade baseline run|show|lock|unlock|approve|refresh`. */
export function baselineCommand(context: CommandContext): Command {
  const { io } = context;
  const baseline = new Command('baseline').summary('the baseliner service and baseline maintenance').description(
    'The baseline is what Palisade learned each workload needs, kept in Redis by the baseliner service\n(`baseline run`) and read by `palisade generate --redis`.',
  );

  baseline.addCommand(
    addRedisOptions(new Command('run'))
      .summary('consume flows from Kafka into the Redis baseline until SIGTERM/SIGINT')
      .addOption(new Option('--kafka-brokers <list>', 'HOST:PORT[,HOST:PORT…]').env('PALISADE_KAFKA_BROKERS'))
      .addOption(new Option('--group <id>', 'consumer group (replicas share partitions)').env('PALISADE_BASELINER_GROUP'))
      .addOption(new Option('--topic <name>', 'flows topic').env('PALISADE_FLOWS_TOPIC'))
      .addOption(new Option('--dead-letter-topic <name>', 'where unreadable messages go').env('PALISADE_DEAD_LETTER_TOPIC'))
      .addOption(new Option('--anomalies-topic <name>', 'where edges first seen under a lock go').env('PALISADE_ANOMALIES_TOPIC'))
      .addOption(new Option('--flush-flows <n>', 'write to Redis after this many flows').env('PALISADE_BASELINER_FLUSH_FLOWS'))
      .addOption(new Option('--flush-interval <ms>', 'or after this many milliseconds').env('PALISADE_BASELINER_FLUSH_INTERVAL_MS'))
      .addOption(new Option('--metrics-port <port>', 'serve /metrics and /healthz on this port').env('PALISADE_METRICS_PORT'))
      .addOption(new Option('--session-timeout <ms>', 'Kafka group session timeout').env('PALISADE_KAFKA_SESSION_TIMEOUT_MS'))
      .addOption(new Option('--heartbeat-interval <ms>', 'Kafka group heartbeat interval').env('PALISADE_KAFKA_HEARTBEAT_INTERVAL_MS'))
      .addOption(new Option('--rebalance-timeout <ms>', 'Kafka group rebalance timeout').env('PALISADE_KAFKA_REBALANCE_TIMEOUT_MS'))
      .addHelpText('after', '\nKafka TLS/SASL and Redis AUTH/TLS come from PALISADE_KAFKA_* and PALISADE_REDIS_* variables.\n')
      .action(async (flags: Record<string, string | undefined>) => {
        let settings;
        try {
          settings = parseBaselinerSettings(process.env, flags);
        } catch (error) {
          if (error instanceof BaselinerError) throw new InputError(error.message, { cause: error });
          throw error;
        }
        try {
          await runBaselinerService(settings);
        } catch (error) {
          if (error instanceof BaselinerError) throw new BaselinerServiceError(error.message, { cause: error });
          throw error;
        }
      }),
  );

  baseline.addCommand(
    addRedisOptions(new Command('show'))
      .summary('print the stored baseline: owners, windows, locks, edges, anomalies')
      .addOption(new Option('--workload <id>', 'only edges into or out of NS/KIND/NAME'))
      .addOption(outputOption())
      .action(async (flags: Record<string, unknown>) => {
        const workload = flags['workload'] === undefined ? undefined : workloadFlag(flags['workload'] as string);
        const view = await withRedisStore(redisSettingsFromFlags(flags), (store) => readBaselineView(store, workload));
        io.stdout.write(renderView(view, flags['output'] as string));
      }),
  );

  for (const [name, summary] of [
    ['lock', 'freeze a baseline: new edges of the namespace or workload become anomalies'],
    ['unlock', 'let new edges join the baseline again'],
  ] as const) {
    baseline.addCommand(
      addRedisOptions(new Command(name))
        .summary(summary)
        .addOption(new Option('--namespace <ns>', 'every workload of a namespace'))
        .addOption(new Option('--workload <id>', 'one workload, NS/KIND/NAME'))
        .action(async (flags: Record<string, unknown>) => {
          const target = lockTarget(flags);
          const label = target.kind === 'namespace' ? `namespace ${target.namespace}` : target.workload;
          await withRedisStore(redisSettingsFromFlags(flags), async (store) => {
            if (name === 'lock') {
              await store.lock(target, Date.now());
              io.stdout.write(`locked ${label}\n`);
            } else io.stdout.write((await store.unlock(target)) ? `unlocked ${label}\n` : `${label} was not locked\n`);
          });
        }),
    );
  }

  baseline.addCommand(
    addRedisOptions(new Command('approve'))
      .summary('move anomalies into the allowed baseline (all, or of the given owners)')
      .addOption(new Option('--workload <id>', 'only anomalies into NS/KIND/NAME (repeatable)').argParser((value: string, previous: string[] = []) => [...previous, value]))
      .addOption(outputOption())
      .action(async (flags: Record<string, unknown>) => {
        const owners = (flags['workload'] as string[] | undefined)?.map((value) => workloadFlag(value));
        const approved = await withRedisStore(redisSettingsFromFlags(flags), (store) => store.approve(owners));
        if (flags['output'] !== 'text') io.stdout.write(renderData({ approved }, flags['output'] as string));
        else io.stdout.write(`approved ${approved.length} edge(s)\n${approved.map((anomaly) => `  ${edgeLine(anomaly.edge)}\n`).join('')}`);
      }),
  );

  baseline.addCommand(
    addRedisOptions(new Command('refresh'))
      .summary('expire edges unseen for the retention window; print what changed since the last refresh')
      .addOption(new Option('--retention <duration>', 'edges unseen this long expire').default('14d').env('PALISADE_RETENTION'))
      .addOption(outputOption())
      .action(async (flags: Record<string, unknown>) => {
        const retention = parseRetention(String(flags['retention']));
        if (retention === undefined) throw new InputError(`--retention ${JSON.stringify(flags['retention'])}: is not a duration (for example 14d, 36h)`);
        const now = Date.now();
        const report = await withRedisStore(redisSettingsFromFlags(flags), (store) => store.refresh(expiryCutoff(now, retention ?? DEFAULT_RETENTION_MS), now));
        if (flags['output'] !== 'text') {
          io.stdout.write(renderData({ ...report, added: report.added, expired: report.expired, addedIds: report.added.map(edgeKey), expiredIds: report.expired.map(edgeKey) }, flags['output'] as string));
          return;
        }
        const lines = [
          `refreshed at ${formatTime(report.at)} (previous ${formatTime(report.previousAt)}): ${report.added.length} added, ${report.expired.length} expired`,
          ...report.added.map((edge) => `+ ${edgeLine(edge)}`),
          ...report.expired.map((edge) => `- ${edgeLine(edge)}`),
        ];
        io.stdout.write(`${lines.join('\n')}\n`);
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

function renderData(data: unknown, output: string): string {
  return output === 'yaml' ? yaml.dump(JSON.parse(JSON.stringify(data)), { lineWidth: -1, noRefs: true }) : `${JSON.stringify(data, null, 2)}\n`;
}
