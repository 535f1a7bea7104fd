import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { runCommand } from './command.js';

const SERVICES = fileURLToPath(new URL('../env/services.sh', import.meta.url));

/**
 * A single-node Kafka broker that belongs to one test, for tests that stop or restart a broker:
 * doing that to the shared broker (`KAFKA_BROKERS`) would break every test file running beside them.
 */
export interface PrivateKafka {
  /** Bootstrap brokers of this instance, `127.0.0.1:<port>`. */
  readonly brokers: readonly string[];
  /** Stops the broker and starts it again on the same data; resolves once it answers again. */
  restart(): Promise<void>;
}

/**
 * Starts a private broker (same jars and settings as the shared one, empty, on two free ports) and
 * stops it, deleting its data, when the calling test finishes. Takes a JVM start: 10–25 s on 2 cores.
 */
export async function startPrivateKafka(): Promise<PrivateKafka> {
  const name = randomUUID();
  const [port, controllerPort] = [await freePort(), await freePort()];
  await services('kafka-instance', 'start', name, String(port), String(controllerPort));
  onTestFinished(() => services('kafka-instance', 'stop', name));
  return {
    brokers: [`127.0.0.1:${port}`],
    restart: () => services('kafka-instance', 'restart', name),
  };
}

async function services(...args: string[]): Promise<void> {
  const result = await runCommand('bash', [SERVICES, ...args]);
  if (result.exitCode !== 0) {
    throw new Error(`services.sh ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stderr}`);
  }
}

/** A port nothing listens on right now (the OS picks it; another process could still take it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port the OS assigned'));
      });
    });
  });
}
