import { createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A TCP server on 127.0.0.1 that accepts connections, reads everything and never answers: the
 * server that makes a client without a request timeout wait forever. Closed when the test ends.
 * Call inside a test. Returns its port.
 */
export async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read everything, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

/**
 * A free port on 127.0.0.1: one a server just had and closed, so nothing listens there (connecting
 * is refused) and a test can start its own server on it.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
