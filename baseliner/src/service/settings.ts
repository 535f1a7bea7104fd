import { DEFAULT_FLOW_TOPICS, firstIssue } from '@palisade/collector';
import { KafkaSettingsSchema, kafkaSettingsFromEnv } from '@palisade/collector/kafka';
import type { KafkaSettingsInput } from '@palisade/collector/kafka';
import { z } from 'zod';
import { BaselinerSettingsError } from '../errors.js';
import { RedisSettingsSchema, redisSettingsFromEnv } from '../store/redis/redis-settings.js';
import { DEFAULT_FLUSH_POLICY } from './baseliner.js';

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
  fromBeginning: z.stringbool().default(true),
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
  | 'flushInterval' | 'fromBeginning' | 'metricsPort' | 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'logLevel',
  string | undefined
>>;

/**
 * Parses flags over `PALISADE_*` variables into frozen settings.
 * @throws BaselinerSettingsError naming the setting at fault.
 */
export function parseBaselinerSettings(env: NodeJS.ProcessEnv, flags: BaselinerFlags = {}): BaselinerSettings {
  const pick = (flag: string | undefined, variable: string) => flag ?? (env[variable] === '' ? undefined : env[variable]);
  const raw: Record<string, unknown> = {
    kafka: kafkaSettingsFromEnv(env, flags.kafkaBrokers ? ({ brokers: flags.kafkaBrokers } as Partial<KafkaSettingsInput>) : {}),
    redis: redisSettingsFromEnv(env, { url: flags.redisUrl, prefix: flags.redisPrefix }),
    group: pick(flags.group, 'PALISADE_BASELINER_GROUP'),
    flowsTopic: pick(flags.topic, 'PALISADE_FLOWS_TOPIC'),
    deadLetterTopic: pick(flags.deadLetterTopic, 'PALISADE_DEAD_LETTER_TOPIC'),
    anomaliesTopic: pick(flags.anomaliesTopic, 'PALISADE_ANOMALIES_TOPIC'),
    flushFlows: pick(flags.flushFlows, 'PALISADE_BASELINER_FLUSH_FLOWS'),
    flushIntervalMs: pick(flags.flushInterval, 'PALISADE_BASELINER_FLUSH_INTERVAL_MS'),
    fromBeginning: pick(flags.fromBeginning, 'PALISADE_BASELINER_FROM_BEGINNING'),
    metricsPort: pick(flags.metricsPort, 'PALISADE_METRICS_PORT'),
    sessionTimeoutMs: pick(flags.sessionTimeout, 'PALISADE_KAFKA_SESSION_TIMEOUT_MS'),
    heartbeatIntervalMs: pick(flags.heartbeatInterval, 'PALISADE_KAFKA_HEARTBEAT_INTERVAL_MS'),
    rebalanceTimeoutMs: pick(flags.rebalanceTimeout, 'PALISADE_KAFKA_REBALANCE_TIMEOUT_MS'),
    logLevel: pick(flags.logLevel, 'PALISADE_LOG_LEVEL'),
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  const parsed = BaselinerSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    throw new BaselinerSettingsError(`${settingName(issue.field)}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

const SETTING_NAMES: Readonly<Record<string, string>> = {
  'kafka.brokers': '--kafka-brokers',
  'redis.url': '--redis-url',
  'redis.prefix': '--redis-prefix',
  flowsTopic: '--topic',
  flushIntervalMs: '--flush-interval',
  sessionTimeoutMs: '--session-timeout',
  heartbeatIntervalMs: '--heartbeat-interval',
  rebalanceTimeoutMs: '--rebalance-timeout',
};

/** The flag a setting (its dotted path) comes from, as typed on the command line. */
function settingName(dotted: string): string {
  return SETTING_NAMES[dotted] ?? `--${dotted.replace(/\./g, '-').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
