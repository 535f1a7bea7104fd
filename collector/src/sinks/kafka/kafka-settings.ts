import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { registerSecret } from '../../secret-redaction.js';

/**
 * Kafka connection settings shared by every Palisade service, from flags or `PALISADE_KAFKA_*`
 * environment variables, validated once at start-up. Secrets are read here and never logged:
 * {@link describeKafkaSettings} is the only printable form.
 */
export const KafkaSettingsSchema = z
  .object({
    brokers: z
      .string({ error: 'needs --kafka-brokers HOST:PORT[,HOST:PORT…]' })
      .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be HOST:PORT')).min(1, 'needs at least one HOST:PORT')),
    clientId: z.string().min(1).default('palisade'),
    tls: z.stringbool().default(false),
    caFile: z.string().optional(),
    saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    saslUsername: z.string().optional(),
    saslPassword: z.string().optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.saslMechanism && (!settings.saslUsername || !settings.saslPassword)) {
      ctx.addIssue({ code: 'custom', path: ['saslUsername'], message: `SASL ${settings.saslMechanism} needs a username and a password` });
    }
  });

/** Validated Kafka settings. */
export type KafkaSettings = z.output<typeof KafkaSettingsSchema>;
/** Kafka settings as they come from flags or the environment (strings). */
export type KafkaSettingsInput = z.input<typeof KafkaSettingsSchema>;

/** Reads the settings from `PALISADE_KAFKA_*` variables, flags taking precedence. */
export function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv, flags: Partial<KafkaSettingsInput> = {}): KafkaSettingsInput {
  const pick = (flag: string | undefined, variable: string) => flag ?? env[variable];
  return {
    brokers: pick(flags.brokers, 'PALISADE_KAFKA_BROKERS') as string,
    ...(pick(flags.clientId, 'PALISADE_KAFKA_CLIENT_ID') ? { clientId: pick(flags.clientId, 'PALISADE_KAFKA_CLIENT_ID') } : {}),
    ...(pick(flags.tls as string | undefined, 'PALISADE_KAFKA_TLS') ? { tls: pick(flags.tls as string | undefined, 'PALISADE_KAFKA_TLS') } : {}),
    ...(pick(flags.caFile, 'PALISADE_KAFKA_CA_FILE') ? { caFile: pick(flags.caFile, 'PALISADE_KAFKA_CA_FILE') } : {}),
    ...(pick(flags.saslMechanism, 'PALISADE_KAFKA_SASL_MECHANISM') ? { saslMechanism: pick(flags.saslMechanism, 'PALISADE_KAFKA_SASL_MECHANISM') as KafkaSettingsInput['saslMechanism'] } : {}),
    ...(pick(flags.saslUsername, 'PALISADE_KAFKA_SASL_USERNAME') ? { saslUsername: pick(flags.saslUsername, 'PALISADE_KAFKA_SASL_USERNAME') } : {}),
    ...(pick(flags.saslPassword, 'PALISADE_KAFKA_SASL_PASSWORD') ? { saslPassword: pick(flags.saslPassword, 'PALISADE_KAFKA_SASL_PASSWORD') } : {}),
  };
}

/** The kafkajs client configuration for the settings. */
export function kafkaClientConfig(settings: KafkaSettings): KafkaConfig {
  // Handed to a client from here on: redacted from every line the process prints.
  registerSecret(settings.saslPassword);
  const sasl: SASLOptions | undefined =
    settings.saslMechanism === undefined
      ? undefined
      : ({ mechanism: settings.saslMechanism, username: settings.saslUsername as string, password: settings.saslPassword as string } as SASLOptions);
  return {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.tls ? { ssl: settings.caFile ? { ca: [readFileSync(settings.caFile, 'utf8')] } : true } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/** The settings with secrets masked, for logs. */
export function describeKafkaSettings(settings: KafkaSettings): Record<string, unknown> {
  return {
    brokers: settings.brokers,
    clientId: settings.clientId,
    tls: settings.tls,
    ...(settings.saslMechanism ? { sasl: settings.saslMechanism, username: settings.saslUsername, password: '***' } : {}),
  };
}
