import { redactSecrets } from '@palisade/collector';
import type { CliIo } from './cli-io.js';

/**
 * The CLI's streams with every chunk written to stdout and stderr passed through the one secret
 * redaction (`redactSecrets`: registered secrets and token shapes), so neither a message nor a
 * rendered result can carry a token out, whichever code wrote it. Everything else (isTTY, events,
 * end) is the stream's own.
 */
export function redactingIo(io: CliIo): CliIo {
  return { stdout: redacting(io.stdout), stderr: redacting(io.stderr), stdin: io.stdin };
}

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

function redacting<S extends NodeJS.WritableStream>(stream: S): S {
  const write: Write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
    return (stream.write as Write).call(stream, text === undefined ? chunk : redactSecrets(text), ...rest);
  };
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
