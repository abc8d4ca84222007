import net from 'node:net';

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A TCP address on loopback, or a Unix socket path. */
export type ListenTarget = { readonly host: string; readonly port: number } | { readonly path: string };

function describeTarget(target: ListenTarget): string {
  return 'path' in target ? target.path : `${target.host}:${target.port}`;
}

/** Resolves once something accepts connections on `target`, or rejects after `timeoutMs` or once `isDead()`. */
export async function waitForListener(target: ListenTarget, timeoutMs: number, isDead: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(target);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (isDead()) throw new Error(`the server process exited before listening on ${describeTarget(target)}`);
    if (Date.now() > deadline) throw new Error(`nothing listened on ${describeTarget(target)} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
