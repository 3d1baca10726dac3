import { createServer, connect, type Socket } from 'node:net';
import { freePort } from './server.ts';

/**
 * A TCP proxy between the app and a real server (Redis) that a test can break the way networks break:
 * `cut` ends every connection and refuses new ones, as a stopped server or a dropped route does;
 * `stall` keeps connections open but carries nothing either way (new ones are accepted and held),
 * as a partition or a frozen server does; `restore` carries traffic again, what was held included.
 */
export interface TcpProxy {
  /** e.g. redis://127.0.0.1:PORT */
  url: string;
  port: number;
  cut(): Promise<void>;
  stall(): void;
  restore(): Promise<void>;
  /** Bytes carried from the server to the app so far. */
  readonly bytesToApp: number;
  close(): Promise<void>;
}

interface Pair {
  app: Socket;
  server: Socket;
  /** Chunks held while stalled, in order, per direction. */
  heldForServer: Buffer[];
  heldForApp: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number; scheme?: string }, options: { cut?: boolean } = {}): Promise<TcpProxy> {
  const port = await freePort();
  const pairs = new Set<Pair>();
  let stalled = false;
  let listening = false;
  let bytesToApp = 0;
  const toServer = (pair: Pair, chunk: Buffer) => (stalled ? pair.heldForServer.push(chunk) : pair.server.write(chunk));
  const toApp = (pair: Pair, chunk: Buffer) => {
    if (stalled) return pair.heldForApp.push(chunk);
    bytesToApp += chunk.length;
    pair.app.write(chunk);
  };
  const proxy = createServer((app) => {
    const pair: Pair = { app, server: connect(target.port, target.host), heldForServer: [], heldForApp: [] };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      app.destroy();
      pair.server.destroy();
    };
    app.on('data', (chunk: Buffer) => toServer(pair, chunk));
    pair.server.on('data', (chunk: Buffer) => toApp(pair, chunk));
    for (const socket of [app, pair.server]) socket.on('error', end).on('close', end);
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      proxy.once('error', reject);
      proxy.listen(port, '127.0.0.1', () => {
        proxy.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      proxy.close(() => resolve());
    });
  if (!options.cut) await listen();
  const cut = async () => {
    stalled = false;
    const closed = stopListening(); // nothing listens: new connections are refused
    for (const pair of [...pairs]) {
      pair.app.destroy();
      pair.server.destroy();
    }
    pairs.clear();
    await closed;
  };
  return {
    url: `${target.scheme ?? 'redis'}://127.0.0.1:${port}`,
    port,
    get bytesToApp() {
      return bytesToApp;
    },
    cut,
    stall() {
      stalled = true;
    },
    async restore() {
      if (stalled) {
        stalled = false;
        for (const pair of pairs) {
          for (const chunk of pair.heldForServer.splice(0)) pair.server.write(chunk);
          for (const chunk of pair.heldForApp.splice(0)) toApp(pair, chunk);
        }
      }
      if (!listening) await listen();
    },
    close: cut,
  };
}
