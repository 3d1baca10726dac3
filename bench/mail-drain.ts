import { SERVER_NODE_FLAGS } from '../src/cluster.ts';
import { petitionUpdateMail } from '../src/mail/petition-update.tsx';
import { openEngine } from '../src/store/engine.ts';
import { openStore } from '../src/store/kysely-store.ts';
import { cpuSeconds, type Relay } from './mail-relay.ts';
import { MAIL, mailServerEnv, now, sleep, stopWithin, type MailOutcome } from './mail-settings.ts';
import { startServer } from './support.ts';

export interface DrainOptions {
  label: string;
  databaseUrl: string;
  size?: number;
  relay: Relay;
}

/** Queues `size` petition updates (one per address, the real template) in the outbox of a database no server has yet. */
export async function fillOutbox(databaseUrl: string, prefix: string, size: number): Promise<void> {
  const store = await openStore(openEngine(databaseUrl));
  try {
    // Rendered once; each mail differs only in its address and unsubscribe link, as a real update's do.
    const template = petitionUpdateMail({
      to: 'TO', type: 'update', petitionTitle: 'Open the library 24 hours during exams',
      petitionUrl: 'http://127.0.0.1/petitions/open-the-library-24-hours-during-exams',
      text: 'We handed the petition to the library board this morning.\n\nThey will answer at their meeting next month; we will write again then.',
      link: null, unsubscribeUrl: 'http://127.0.0.1/unsubscribe/UNSUBSCRIBE-TOKEN',
    });
    const personal = (s: string, i: number) => s.replaceAll('UNSUBSCRIBE-TOKEN', `bench-${i}-${'u'.repeat(32)}`);
    const at = new Date();
    for (let i = 0; i < size; i += 5000) {
      const mails = Array.from({ length: Math.min(5000, size - i) }, (_, k) => ({
        ...template,
        to: `${prefix}${i + k}@example.org`,
        text: personal(template.text, i + k),
        html: personal(template.html, i + k),
        headers: Object.fromEntries(Object.entries(template.headers ?? {}).map(([h, v]) => [h, personal(v, i + k)])),
      }));
      await store.enqueueMail(mails, at);
    }
  } finally {
    await store.close();
  }
}

/**
 * A backlog of petition-update mails in the outbox before the server starts, then timed from the
 * moment the server listens until the relay has accepted all of them, or MAIL.drainDeadlineMs.
 */
export async function backlogDrain(o: DrainOptions): Promise<MailOutcome> {
  const size = o.size ?? MAIL.backlog;
  const prefix = `drain-${o.label.toLowerCase()}-`;
  const fillStart = now();
  await fillOutbox(o.databaseUrl, prefix, size);
  const fillSeconds = (now() - fillStart) / 1000;

  const seen = new Map<string, number>();
  let first = 0, last = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const off = o.relay.listen(([to, , at]) => {
    if (!to.startsWith(prefix)) return;
    seen.set(to, (seen.get(to) ?? 0) + 1);
    first ||= at;
    last = Math.max(last, at);
    if (seen.size === size) resolveAll();
  });
  const relayCpu = cpuSeconds(o.relay.child.pid);
  const spawned = now();
  const server = await startServer([...SERVER_NODE_FLAGS, 'bin/undersign.js', 'serve'], mailServerEnv(o.databaseUrl, o.relay.url));
  const listening = now();
  const serverCpu = cpuSeconds(server.child.pid);
  let stopped: 'exited' | 'killed' = 'exited';
  let cpu = '';
  try {
    const drained = await Promise.race([all.then(() => true), sleep(MAIL.drainDeadlineMs).then(() => false)]);
    // A second more, so that a mail sent twice is seen twice.
    if (drained) await sleep(1000);
  } finally {
    off();
    cpu = `CPU s: server ${(cpuSeconds(server.child.pid) - serverCpu).toFixed(1)}, relay ${(cpuSeconds(o.relay.child.pid) - relayCpu).toFixed(1)}`;
    stopped = await stopWithin(server);
  }
  const delivered = seen.size;
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const mails = [...seen.values()].reduce((a, b) => a + b, 0);
  const undelivered = size - delivered;
  const seconds = delivered > 0 ? (last - listening) / 1000 : (now() - listening) / 1000;
  const ok = undelivered === 0 && duplicates === 0;
  return {
    row: {
      name: `backlog drain, ${size} mails queued before start, ${o.label}`,
      delivered, expected: size, mailsPerSecond: mails / Math.max(seconds, 1e-3),
      notes: [
        `${delivered} in ${seconds.toFixed(1)} s from listening`,
        first ? `first mail ${((first - listening) / 1000).toFixed(1)} s after listening` : 'no mail',
        `server started in ${((listening - spawned) / 1000).toFixed(1)} s`,
        `outbox filled in ${fillSeconds.toFixed(1)} s`,
        cpu,
        stopped === 'killed' ? 'server killed after 5 s of SIGTERM' : '',
      ].filter(Boolean).join('; '),
    },
    check: `${o.label}, backlog drain: ${size} queued, ${delivered} received, ${duplicates} more than once, not delivered within the deadline: ${undelivered}: ${ok ? 'OK' : 'FAILED'}`,
    ok,
  };
}
