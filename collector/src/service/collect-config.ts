import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvBoolean, isUnsetEnvValue } from '../env-boolean.js';
import { CollectConfigError } from '../errors.js';
import { firstIssue } from '../zod-message.js';
import { FLOW_FORMATS, type FlowFormat } from '../flow/flow.js';
import { DEFAULT_FLOW_TOPICS } from '../sinks/kafka/flow-topics.js';
import { kafkaTopicNameProblem } from '../sources/source-check.js';
import { KafkaSettingsSchema, kafkaSettingSource, kafkaSettingsFromEnv, type KafkaSettingsInput } from '../sinks/kafka/kafka-settings.js';

/**
 * The configuration of `palisade collect`, from flags and `PALISADE_*` environment variables
 * (flags win), validated once at start-up into a frozen object. Every error names the flag.
 */

/** Where records come from. */
export type SourceSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'follow'; readonly path: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'kafka'; readonly topic: string };

/** Reads `file:PATH`, `follow:PATH`, `stdin` (or `-`) and `kafka:TOPIC`. */
export const SourceSpecSchema = z.string({ error: 'needs --source file:PATH|follow:PATH|stdin|kafka:TOPIC' }).transform((value, ctx): SourceSpec => {
  if (value === 'stdin' || value === '-') return { kind: 'stdin' };
  const match = /^(file|follow|kafka):(.+)$/.exec(value);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    const rest = match[2];
    if (match[1] === 'kafka') return { kind: 'kafka', topic: rest };
    return { kind: match[1] as 'file' | 'follow', path: rest };
  }
  ctx.addIssue({ code: 'custom', message: `"${value}" is not file:PATH, follow:PATH, stdin or kafka:TOPIC` });
  return z.NEVER;
});

/** A topic the collector writes (and may create): Kafka's naming rule, checked before it connects. */
const TopicName = z.string().superRefine((name, ctx) => {
  const problem = kafkaTopicNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const Count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

/** The schema of the collect configuration. */
export const CollectConfigSchema = z.object({
  source: SourceSpecSchema,
  format: z.enum(['auto', ...FLOW_FORMATS] as ['auto', ...FlowFormat[]]).default('auto'),
  kafka: KafkaSettingsSchema,
  topic: TopicName.default(DEFAULT_FLOW_TOPICS.flows),
  deadLetterTopic: TopicName.default(DEFAULT_FLOW_TOPICS.deadLetters),
  /** Partitions of the flow topic when the collector creates it. */
  partitions: Count(6),
  replicationFactor: Count(1),
  /** Skip topic creation (a locked-down cluster where topics are managed elsewhere). */
  createTopics: EnvBoolean.default(true),
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** A kubeconfig file: watch the cluster through it for identity resolution. */
  kubeconfig: z.string().min(1).optional(),
  /** Watch the cluster with the in-cluster service account (the DaemonSet/Deployment case). */
  inCluster: EnvBoolean.default(false),
  /** Cluster objects from a file (`kubectl get -o yaml`), for identity resolution without watching. */
  cluster: z.string().min(1).optional(),
  /** Where `follow:` keeps its checkpoint. */
  stateDir: z.string().min(1).default(join(homedir(), '.local', 'state', 'palisade')),
  /** Consumer group of a `kafka:` source. */
  sourceGroup: z.string().min(1).default('palisade-collector'),
  batchSize: Count(2000),
  lingerMs: Count(20, 0),
  maxBufferedMessages: Count(20_000),
  /** Most messages in one produce request (1 turns batching off: every flow awaits its own send). */
  maxBatchMessages: Count(10_000),
  checkpointIntervalMs: Count(5000),
  /** How often `follow:` looks for new data and rotation. */
  pollIntervalMs: Count(250),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The validated configuration. */
export type CollectConfig = Readonly<z.output<typeof CollectConfigSchema>>;

/** Flag values as commander hands them over (strings, or numbers/booleans already parsed). */
export type CollectFlags = Partial<Record<Exclude<keyof z.input<typeof CollectConfigSchema>, 'kafka'>, string | number | boolean>> & {
  readonly kafka?: Partial<KafkaSettingsInput>;
};

const ENV_NAMES: Readonly<Record<Exclude<keyof CollectFlags, 'kafka'>, string>> = {
  source: 'PALISADE_SOURCE',
  format: 'PALISADE_FORMAT',
  topic: 'PALISADE_FLOWS_TOPIC',
  deadLetterTopic: 'PALISADE_DEAD_LETTER_TOPIC',
  partitions: 'PALISADE_PARTITIONS',
  replicationFactor: 'PALISADE_REPLICATION_FACTOR',
  createTopics: 'PALISADE_CREATE_TOPICS',
  metricsPort: 'PALISADE_METRICS_PORT',
  kubeconfig: 'PALISADE_KUBECONFIG',
  inCluster: 'PALISADE_IN_CLUSTER',
  cluster: 'PALISADE_CLUSTER',
  stateDir: 'PALISADE_STATE_DIR',
  sourceGroup: 'PALISADE_SOURCE_GROUP',
  batchSize: 'PALISADE_BATCH_SIZE',
  lingerMs: 'PALISADE_LINGER_MS',
  maxBufferedMessages: 'PALISADE_MAX_BUFFERED_MESSAGES',
  maxBatchMessages: 'PALISADE_MAX_BATCH_MESSAGES',
  checkpointIntervalMs: 'PALISADE_CHECKPOINT_INTERVAL_MS',
  pollIntervalMs: 'PALISADE_POLL_INTERVAL_MS',
  logLevel: 'PALISADE_LOG_LEVEL',
};

/** Flag names as typed, for error messages. */
const FLAG_OF_KAFKA: Readonly<Record<string, string>> = { brokers: '--kafka-brokers', clientId: '--kafka-client-id', tls: '--kafka-tls', caFile: '--kafka-ca-file' };

/**
 * Parses the configuration once: flags first, then `PALISADE_*` variables (empty ones count as
 * unset), then defaults.
 * @throws CollectConfigError naming the flag or variable at fault and what to fix.
 */
export function parseCollectConfig(flags: CollectFlags, env: NodeJS.ProcessEnv = process.env): CollectConfig {
  const input: Record<string, unknown> = { kafka: kafkaSettingsFromEnv(env, flags.kafka ?? {}) };
  /** The variable each value came from, when no flag gave it: the message names what was set. */
  const variableOf = new Map<string, string>();
  for (const [key, variable] of Object.entries(ENV_NAMES)) {
    const flag = flags[key as keyof typeof ENV_NAMES];
    const value = flag ?? (isUnsetEnvValue(env[variable]) ? undefined : env[variable]);
    if (flag === undefined && value !== undefined) variableOf.set(key, variable);
    if (value !== undefined && value !== '') input[key] = typeof value === 'boolean' ? String(value) : value;
  }
  const parsed = CollectConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    const [first, second] = issue.path;
    const flag =
      first === 'kafka'
        ? (kafkaSettingSource(second ?? '', env, flags.kafka ?? {}) ?? FLAG_OF_KAFKA[String(second)] ?? `--kafka-${String(second).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`)
        : (variableOf.get(String(first)) ?? `--${String(first).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
    throw new CollectConfigError(`${flag}: ${issue.message}`);
  }
  if (parsed.data.kubeconfig !== undefined && parsed.data.cluster !== undefined) {
    throw new CollectConfigError('--kubeconfig and --cluster exclude each other: watch the live cluster, or read a file of its objects');
  }
  return Object.freeze(parsed.data);
}
