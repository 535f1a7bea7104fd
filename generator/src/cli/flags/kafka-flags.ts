import type { KafkaSettingsInput } from '@palisade/collector/kafka';
import { stringFlag } from '../options/flag-values.js';

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
