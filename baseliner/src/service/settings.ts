import { DEFAULT_FLOW_TOPICS, EnvBoolean, firstIssue, isUnsetEnvValue } from '@palisade/collector';
import { KafkaSettingsSchema, kafkaSettingSource, kafkaSettingsFromEnv } from '@palisade/collector/kafka';
import type { KafkaSettingsInput } from '@palisade/collector/kafka';
import { z } from 'zod';
import { BaselinerSettingsError } from '../errors.js';
import { RedisSettingsSchema, redisSettingSource, redisSettingsFromEnv } from '../store/redis/redis-settings.js';
import { DEFAULT_FLUSH_POLICY, DEFAULT_UNHEALTHY_AFTER_MS } from './baseliner.js';

const positiveInt = (what: string) => z.coerce.number({ error: `must be a number (${what})` }).int().positive();

/** Every setting of `palisade baseline run`, validated once into a frozen object. */
export const BaselinerSettingsSchema = z.object({
  kafka: KafkaSettingsSchema,
  redis: RedisSettingsSchema,
  group: z.string().min(1).default('palisade-baseliner'),
  flowsTopic: z.string().min(1).default(DEFAULT_FLOW_TOPICS.flows),
  deadLetterTopic: z.string().min(1).default(DEFAULT_FLOW_TOPICS.deadLetters),
  anomaliesTopic: z.string().min(1).default(DEFAULT_FLOW_TOPICS.anomalies),
  flushFlows: positiveInt('flows').default(DEFAULT_FLUSH_POLICY.maxFlows),
  flushIntervalMs: positiveInt('milliseconds').default(DEFAULT_FLUSH_POLICY.maxAgeMs),
  /** `/healthz` turns 503 when flows wait this long without a successful flush. */
  unhealthyAfterMs: positiveInt('milliseconds').default(DEFAULT_UNHEALTHY_AFTER_MS),
  fromBeginning: EnvBoolean.default(true),
  metricsPort: z.coerce.number().int().min(0).max(65_535).optional(),
  sessionTimeoutMs: positiveInt('milliseconds').default(30_000),
  heartbeatIntervalMs: positiveInt('milliseconds').default(3_000),
  rebalanceTimeoutMs: positiveInt('milliseconds').default(60_000),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** Validated settings of the baseliner service. */
export type BaselinerSettings = z.output<typeof BaselinerSettingsSchema>;

/** Flags of `baseline run` as strings (commander's camelCase names). */
export type BaselinerFlags = Partial<Record<
  | 'kafkaBrokers' | 'redisUrl' | 'redisPrefix' | 'group' | 'topic' | 'deadLetterTopic' | 'anomaliesTopic' | 'flushFlows'
  | 'flushInterval' | 'unhealthyAfter' | 'fromBeginning' | 'metricsPort' | 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'logLevel',
  string | undefined
>>;

/** The variable of each setting that has one (Kafka and Redis have their own). */
const ENV_NAMES: Readonly<Record<string, { readonly flag: keyof BaselinerFlags; readonly variable: string }>> = {
  group: { flag: 'group', variable: 'PALISADE_BASELINER_GROUP' },
  flowsTopic: { flag: 'topic', variable: 'PALISADE_FLOWS_TOPIC' },
  deadLetterTopic: { flag: 'deadLetterTopic', variable: 'PALISADE_DEAD_LETTER_TOPIC' },
  anomaliesTopic: { flag: 'anomaliesTopic', variable: 'PALISADE_ANOMALIES_TOPIC' },
  flushFlows: { flag: 'flushFlows', variable: 'PALISADE_BASELINER_FLUSH_FLOWS' },
  flushIntervalMs: { flag: 'flushInterval', variable: 'PALISADE_BASELINER_FLUSH_INTERVAL_MS' },
  unhealthyAfterMs: { flag: 'unhealthyAfter', variable: 'PALISADE_BASELINER_UNHEALTHY_AFTER_MS' },
  fromBeginning: { flag: 'fromBeginning', variable: 'PALISADE_BASELINER_FROM_BEGINNING' },
  metricsPort: { flag: 'metricsPort', variable: 'PALISADE_METRICS_PORT' },
  sessionTimeoutMs: { flag: 'sessionTimeout', variable: 'PALISADE_KAFKA_SESSION_TIMEOUT_MS' },
  heartbeatIntervalMs: { flag: 'heartbeatInterval', variable: 'PALISADE_KAFKA_HEARTBEAT_INTERVAL_MS' },
  rebalanceTimeoutMs: { flag: 'rebalanceTimeout', variable: 'PALISADE_KAFKA_REBALANCE_TIMEOUT_MS' },
  logLevel: { flag: 'logLevel', variable: 'PALISADE_LOG_LEVEL' },
};

/**
 * Parses flags over `PALISADE_*` variables (empty ones count as unset) into frozen settings.
 * @throws BaselinerSettingsError naming the flag or variable at fault.
 */
export function parseBaselinerSettings(env: NodeJS.ProcessEnv, flags: BaselinerFlags = {}): BaselinerSettings {
  const kafkaFlags = flags.kafkaBrokers ? ({ brokers: flags.kafkaBrokers } as Partial<KafkaSettingsInput>) : {};
  const redisFlags = { url: flags.redisUrl, prefix: flags.redisPrefix };
  const raw: Record<string, unknown> = { kafka: kafkaSettingsFromEnv(env, kafkaFlags), redis: redisSettingsFromEnv(env, redisFlags) };
  for (const [key, { flag, variable }] of Object.entries(ENV_NAMES)) {
    const value = flags[flag] ?? (isUnsetEnvValue(env[variable]) ? undefined : env[variable]);
    if (value !== undefined) raw[key] = value;
  }
  const parsed = BaselinerSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    const [first, second] = issue.path;
    const fromEnvironment =
      first === 'kafka'
        ? kafkaSettingSource(second ?? '', env, kafkaFlags)
        : first === 'redis'
          ? redisSettingSource(second ?? '', env, redisFlags)
          : (() => {
              const entry = ENV_NAMES[String(first)];
              return entry !== undefined && flags[entry.flag] === undefined && !isUnsetEnvValue(env[entry.variable]) ? entry.variable : undefined;
            })();
    throw new BaselinerSettingsError(`${fromEnvironment ?? settingName(issue.field)}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

const SETTING_NAMES: Readonly<Record<string, string>> = {
  'kafka.brokers': '--kafka-brokers',
  'redis.url': '--redis-url',
  'redis.prefix': '--redis-prefix',
  flowsTopic: '--topic',
  flushIntervalMs: '--flush-interval',
  unhealthyAfterMs: '--unhealthy-after',
  sessionTimeoutMs: '--session-timeout',
  heartbeatIntervalMs: '--heartbeat-interval',
  rebalanceTimeoutMs: '--rebalance-timeout',
};

/** The flag a setting (its dotted path) comes from, as typed on the command line. */
function settingName(dotted: string): string {
  return SETTING_NAMES[dotted] ?? `--${dotted.replace(/\./g, '-').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
