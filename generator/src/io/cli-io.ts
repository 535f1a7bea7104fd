/** Where the CLI writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
}

/**
 * A one-line progress counter on stderr, only when stderr is a terminal (logs and pipes stay
 * clean). Returns the update function and a function that clears the line.
 */
export function progressLine(io: CliIo, label: string): { update: (count: number) => void; done: () => void } {
  if (!io.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(count) {
      shown = true;
      io.stderr.write(`\r${label}: ${count.toLocaleString('en-US')}`);
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}
