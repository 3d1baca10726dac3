import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** While draining, idle connections are looked for this often: each in-flight request that ends frees one. */
const IDLE_SWEEP_MS = 50;

export interface ConnectionDrain {
  /** Connections open now (for the line logged when a stop overruns its deadline). */
  readonly open: number;
  /**
   * From now on idle keep-alive connections are closed, at once and whenever a request in flight
   * ends; after `graceMs` every connection left is closed, whatever it is doing (a request still
   * running, headers half sent, a stream whose reader stalled).
   */
  begin(graceMs: number): void;
  /** Stops the sweep (the server has closed). */
  end(): void;
}

/**
 * The HTTP side of a bounded shutdown (decision 0038). Node's `server.close()` closes the idle
 * connections of that moment only and stops enforcing the request timeout, so without this a
 * connection that becomes idle a moment later waits out keep-alive, and one that never finishes
 * its headers holds the server open until the connection timeout (two minutes).
 */
export function connectionDrain(server: Server): ConnectionDrain {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let sweep: NodeJS.Timeout | null = null;
  let grace: NodeJS.Timeout | null = null;
  return {
    get open() {
      return sockets.size;
    },
    begin(graceMs) {
      if (sweep) return;
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
      grace = setTimeout(() => {
        server.closeAllConnections();
        // And any Node does not count among its HTTP connections (an upgraded one).
        for (const socket of sockets) socket.destroy();
      }, graceMs).unref();
    },
    end() {
      if (sweep) clearInterval(sweep);
      if (grace) clearTimeout(grace);
    },
  };
}
