import { Command, Option } from 'commander';
import type { CollectFlags } from '@palisade/collector/service';
import type { CommandContext } from './command-context.js';
import { kafkaSettingsFromFlags } from './flags/kafka-flags.js';
import { clusterFileOption, kubeconfigOption } from './options/cluster-options.js';
import { stringFlag } from './options/flag-values.js';
import { addKafkaClientOptions, kafkaBrokersOption } from './options/kafka-options.js';

/** `palisade collect`: the collector service (app/collect.ts); its flags pass to the collector's own settings parser. */
export function collectCommand(context: CommandContext): Command {
  const command = new Command('collect')
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      outputError: () => undefined, // printed once, in one line, by runCli
    })
    .summary('the collector service: flow logs → Kafka')
    .description(
      'Reads CNI flow logs from a source, orients and resolves them to workloads, and writes Flows to Kafka\n' +
        '(unreadable records to the dead-letter topic). Serves /metrics and /healthz. Every flag can also be set\n' +
        'with a PALISADE_* variable (PALISADE_SOURCE, PALISADE_KAFKA_BROKERS, PALISADE_FLOWS_TOPIC, ...); secrets only that\n' +
        'way: PALISADE_KAFKA_SASL_PASSWORD.',
    )
    .addOption(new Option('--source <source>', 'file:PATH (read once), follow:PATH (tail across rotation), stdin, or kafka:TOPIC'))
    .addOption(new Option('--format <format>', 'flow-log format of every record, or auto to detect each')) // choices: addFormatChoices
    .addOption(kafkaBrokersOption('Kafka bootstrap brokers, HOST:PORT[,HOST:PORT...]', { env: false }));
  addKafkaClientOptions(command)
    .addOption(kubeconfigOption('watch this cluster for identities (pods, Services, EndpointSlices)'))
    .addOption(new Option('--in-cluster', 'watch the cluster with the pod\'s service account'))
    .addOption(clusterFileOption('cluster objects as kubectl get -o yaml prints them, instead of watching', { env: false }))
    .addOption(new Option('--topic <name>', 'flow topic (default palisade.flows.v1)'))
    .addOption(new Option('--dead-letter-topic <name>', 'dead-letter topic (default palisade.flows.dlq)'))
    .addOption(new Option('--partitions <n>', 'partitions of the topics when they are created (default 6)'))
    .addOption(new Option('--replication-factor <n>', 'replication factor of the topics when they are created (default 1)'))
    .addOption(new Option('--no-create-topics', 'never create topics (they are managed elsewhere)'))
    .addOption(new Option('--metrics-port <port>', '/metrics and /healthz port (default 9464)'))
    .addOption(new Option('--state-dir <dir>', 'where follow: keeps its checkpoint'))
    .addOption(new Option('--source-group <group>', 'consumer group of a kafka: source (default palisade-collector)'))
    .addOption(new Option('--batch-size <n>', 'messages per Kafka batch (default 2000)'))
    .addOption(new Option('--linger-ms <ms>', 'longest wait for a batch to fill (default 20)'))
    .addOption(new Option('--max-buffered-messages <n>', 'messages buffered before reading waits (default 20000)'))
    .addOption(new Option('--max-batch-messages <n>', 'most messages in one produce request (default 10000)'))
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']));
  return command
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  palisade collect --source follow:/var/run/cilium/hubble/events.log --kafka-brokers kafka:9092 --in-cluster\n' +
        '  palisade collect --source kafka:netobserv-flows --format netobserv --kafka-brokers kafka:9092 --kubeconfig ~/.kube/config\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const text = (name: string) => stringFlag(flags, name);
      const kafka = kafkaSettingsFromFlags(flags);
      const passThrough = ['source', 'format', 'kubeconfig', 'cluster', 'topic', 'deadLetterTopic', 'partitions', 'replicationFactor', 'metricsPort', 'stateDir', 'sourceGroup', 'batchSize', 'lingerMs', 'maxBufferedMessages', 'maxBatchMessages', 'logLevel'] as const;
      const collectFlags: CollectFlags = {
        kafka,
        ...Object.fromEntries(passThrough.flatMap((name) => (text(name) !== undefined ? [[name, text(name)]] : []))),
        ...(flags['inCluster'] === true ? { inCluster: true } : {}),
        // commander's --no-create-topics sets createTopics to false; true is the default either way.
        ...(flags['createTopics'] === false ? { createTopics: false } : {}),
      };
      const { runCollect } = await import('../app/collect.js');
      const summary = await runCollect(collectFlags, context.io);
      context.io.stderr.write(
        `collect: ${summary.recordsRead} records read, ${summary.flowsProduced} flows, ${summary.deadLettered} dead letters, ${summary.quarantined} quarantined, ${summary.skipped} skipped\n`,
      );
    });
}
