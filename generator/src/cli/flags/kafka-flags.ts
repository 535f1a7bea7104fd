import type { Command } from 'commander';
import { Option } from 'commander';
import type { KafkaSettingsInput } from '@palisade/collector/kafka';
import { stringFlag } from './flag-values.js';

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

/** The Kafka settings given as flags, for the collector's settings parser (which adds the environment). */
export function kafkaSettingsFromFlags(flags: Readonly<Record<string, unknown>>): Partial<KafkaSettingsInput> {
  const text = (name: string) => stringFlag(flags, name);
  return {
    ...(text('kafkaBrokers') !== undefined ? { brokers: text('kafkaBrokers') } : {}),
    ...(text('kafkaClientId') !== undefined ? { clientId: text('kafkaClientId') } : {}),
    ...(flags['kafkaTls'] === true ? { tls: 'true' } : {}),
    ...(text('kafkaCaFile') !== undefined ? { caFile: text('kafkaCaFile') } : {}),
    ...(text('kafkaSaslMechanism') !== undefined ? { saslMechanism: text('kafkaSaslMechanism') as KafkaSettingsInput['saslMechanism'] } : {}),
    ...(text('kafkaSaslUsername') !== undefined ? { saslUsername: text('kafkaSaslUsername') } : {}),
  };
}
