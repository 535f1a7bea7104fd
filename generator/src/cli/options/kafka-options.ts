import type { Command } from 'commander';
import { Option } from 'commander';

/**
 * `--kafka-brokers HOST:PORT[,…]`. `collect` reads `PALISADE_KAFKA_*` through the collector's own
 * settings, so it passes `env: false`; `baseline run` declares the variable on the flag.
 */
export function kafkaBrokersOption(help: string, options: { readonly env?: boolean } = {}): Option {
  const option = new Option('--kafka-brokers <list>', help);
  return options.env === false ? option : option.env('PALISADE_KAFKA_BROKERS');
}

/** Adds the Kafka client flags of `collect`: client id, TLS and SASL (the password only from the environment). */
export function addKafkaClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--kafka-client-id <id>', 'Kafka client id'))
    .addOption(new Option('--kafka-tls', 'connect to Kafka with TLS'))
    .addOption(new Option('--kafka-ca-file <file>', 'CA bundle for Kafka TLS'))
    .addOption(new Option('--kafka-sasl-mechanism <mechanism>', 'SASL mechanism').choices(['plain', 'scram-sha-256', 'scram-sha-512']))
    .addOption(new Option('--kafka-sasl-username <name>', 'SASL user (the password comes from PALISADE_KAFKA_SASL_PASSWORD)'));
}
