import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RelayedMail, RelayReport } from './smtp-relay.ts';

export type { RelayedMail };

/** The delaying SMTP relay (bench/smtp-relay.ts) in its own process, seen from the bench. */
export interface Relay {
  url: string;
  port: number;
  child: ChildProcess;
  /** Hears every mail the relay accepts, until the returned function is called. */
  listen(listener: (mail: RelayedMail) => void): () => void;
  /** Messages the relay had to parse in full to find their link (expected: 0). */
  fallbacks(): number;
  stop(): Promise<void>;
}

export async function startRelay(delayMs: number): Promise<Relay> {
  const child = fork(fileURLToPath(new URL('./smtp-relay.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RELAY_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners = new Set<(mail: RelayedMail) => void>();
  let fallbacks = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP relay exited (${code}) before it listened`)));
    child.on('message', (message: RelayReport) => {
      if (message.type === 'ready') resolve(message.port);
      else {
        fallbacks = message.fallbacks;
        for (const mail of message.mails) for (const l of listeners) l(mail);
      }
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    child,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fallbacks: () => fallbacks,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
