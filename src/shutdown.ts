/**
 * Stopping a serving process within a bounded time (SHUTDOWN_TIMEOUT, decision 0038). The order of
 * the stop itself is main.ts's; here are the signals, the two log lines and the hard deadline.
 */

export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a stop needs of the running server (main.ts's Running). */
export interface Stoppable {
  close(): Promise<void>;
  /** What the stop is still waiting for, in words. */
  stillOpen(): string[];
}

/** The parts of a stop still under way, named for the line logged if the stop overruns. */
export class ShutdownSteps {
  private readonly open = new Map<symbol, () => string>();

  /** `what` names the step while `work` runs (a function, to say how many are left at that moment). */
  track<T>(what: string | (() => string), work: Promise<T>): Promise<T> {
    const key = Symbol();
    this.open.set(key, typeof what === 'string' ? () => what : what);
    return work.finally(() => this.open.delete(key));
  }

  pending(): string[] {
    return [...this.open.values()].map((describe) => describe());
  }
}

/**
 * The handler for SIGTERM and SIGINT: one line as the stop starts, `running.close()`, one line with
 * how long it took, exit 0. Past `timeoutMs` the process exits 1 anyway, with one line naming what
 * was still open. A second signal changes nothing, so the deadline stands: a process manager and
 * the cluster primary may each send one.
 */
export function gracefulStop(running: Stoppable, timeoutMs: number, log: ShutdownLogger, exit: (code: number) => void): (signal: string) => void {
  let startedAt: number | null = null;
  return (signal) => {
    if (startedAt !== null) return;
    const started = Date.now();
    startedAt = started;
    log.info({ signal, timeoutMs }, `shutting down on ${signal}: no new connections, live streams told to reconnect, exit within SHUTDOWN_TIMEOUT (${timeoutMs / 1000} s)`);
    const deadline = setTimeout(() => {
      const open = running.stillOpen();
      log.error(
        { afterMs: Date.now() - started, stillOpen: open },
        `shutdown did not finish within SHUTDOWN_TIMEOUT (${timeoutMs / 1000} s), exiting anyway; still open: ${open.join(', ') || 'nothing known'}`,
      );
      exit(1);
    }, timeoutMs);
    running.close().then(
      () => {
        clearTimeout(deadline);
        const ms = Date.now() - started;
        log.info({ ms }, `stopped in ${ms} ms`);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
}

/** Installs `gracefulStop` for SIGTERM and SIGINT, exiting the process. */
export function stopOnSignals(running: Stoppable, timeoutMs: number, log: ShutdownLogger): void {
  const stop = gracefulStop(running, timeoutMs, log, (code) => process.exit(code));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
