import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { EnvBoolean, isUnsetEnvValue } from '../../env-boolean.js';
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
    tls: EnvBoolean.default(false),
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

/** The variable of each setting. */
export const KAFKA_ENV_NAMES: Readonly<Record<keyof KafkaSettingsInput, string>> = Object.freeze({
  brokers: 'PALISADE_KAFKA_BROKERS',
  clientId: 'PALISADE_KAFKA_CLIENT_ID',
  tls: 'PALISADE_KAFKA_TLS',
  caFile: 'PALISADE_KAFKA_CA_FILE',
  saslMechanism: 'PALISADE_KAFKA_SASL_MECHANISM',
  saslUsername: 'PALISADE_KAFKA_SASL_USERNAME',
  saslPassword: 'PALISADE_KAFKA_SASL_PASSWORD',
});

/**
 * Reads the settings from `PALISADE_KAFKA_*` variables, flags taking precedence; an empty variable
 * counts as unset. {@link kafkaSettingSource} says which of the two a value came from.
 */
export function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv, flags: Partial<KafkaSettingsInput> = {}): KafkaSettingsInput {
  const input: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(KAFKA_ENV_NAMES) as [keyof KafkaSettingsInput, string][]) {
    const flag = flags[key];
    const value = flag ?? (isUnsetEnvValue(env[variable]) ? undefined : env[variable]);
    if (value !== undefined && value !== '') input[key] = value;
  }
  return input as KafkaSettingsInput;
}

/** The variable a setting's value came from, or undefined when a flag gave it (or nothing did). */
export function kafkaSettingSource(key: PropertyKey, env: NodeJS.ProcessEnv, flags: Partial<KafkaSettingsInput> = {}): string | undefined {
  const variable = KAFKA_ENV_NAMES[key as keyof KafkaSettingsInput];
  if (variable === undefined || flags[key as keyof KafkaSettingsInput] !== undefined || isUnsetEnvValue(env[variable])) return undefined;
  return variable;
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
