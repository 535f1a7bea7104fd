/**
 * Connection settings of the real services the integration tests run against, read from the
 * environment that `test/env/services.sh env` describes (and the integration project loads).
 *
 * A missing variable is an error, never a reason to skip: a test that cannot reach its service fails.
 */

/** Where the test services listen and where their tools are. */
export interface ServiceEnv {
  /** Kafka bootstrap brokers, `host:port` each (from the comma-separated `KAFKA_BROKERS`). */
  readonly kafkaBrokers: readonly string[];
  /** `redis://host:port` of the test Redis (`REDIS_URL`). */
  readonly redisUrl: string;
  /** Path of a kubeconfig with an admin identity on the test kube-apiserver (`KUBECONFIG`). */
  readonly kubeconfig: string;
}

/**
 * Returns the value of an environment variable the tests need.
 * @throws Error naming the variable and how to provide it, when it is unset or empty.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `${name} is not set: the integration tests need the real services. ` +
        `Run \`bash test/env/services.sh up\` (npm test does), or set ${name} yourself.`,
    );
  }
  return value.trim();
}

/** Reads every service setting at once; throws on the first one missing. */
export function readServiceEnv(): ServiceEnv {
  return {
    kafkaBrokers: requireEnv('KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
    redisUrl: requireEnv('REDIS_URL'),
    kubeconfig: requireEnv('KUBECONFIG'),
  };
}
