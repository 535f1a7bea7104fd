import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup of the integration project: puts the test services' settings
 * (`KAFKA_BROKERS`, `REDIS_URL`, `KUBECONFIG`, ...) into the environment the test workers inherit.
 *
 * It reads them from `services.sh env` rather than starting anything: `npm test` runs `services.sh up`
 * first, and a test whose service is not running must fail on its own, visibly. Variables already set
 * win, so the tests can be pointed at other servers.
 */
export default function loadServicesEnv(): void {
  const script = fileURLToPath(new URL('./services.sh', import.meta.url));
  const output = execFileSync('bash', [script, 'env'], { encoding: 'utf8' });
  for (const line of output.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match === null) continue;
    const [, name, value] = match;
    if (name !== undefined && value !== undefined && process.env[name] === undefined) {
      process.env[name] = value;
    }
  }
}
