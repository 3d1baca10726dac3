import nodemailer from 'nodemailer';
import { confirmSignatureMail } from '../src/mail/confirm-signature.tsx';
import { SmtpMailer } from '../src/mail/mailer.ts';
import type { Relay } from './mail-relay.ts';
import { cpuSeconds } from './mail-relay.ts';
import { MAIL, now, sleep, type MailOutcome } from './mail-settings.ts';

/** What the app sends as From by default. */
const FROM = 'Undersign <no-reply@localhost>';

/**
 * Who writes each message: `app`, the app's own SmtpMailer (src/mail/mime.ts composes, our pool of nodemailer's
 * connections sends; decisions 0041, 0050), or `nodemailer`, a bare nodemailer pool composing each message itself,
 * as the app did before.
 */
export type BareComposer = 'app' | 'nodemailer';

/**
 * The mail baseline: `count` confirmation mails (the app's own template) straight to the same
 * delaying relay, MAIL_CONCURRENCY connections with one message in flight on each. Nothing else: no
 * database, no outbox, no HTTP. Timed from the first send to the relay's acceptance of the last mail.
 */
export async function bareSender(relay: Relay, composer: BareComposer = 'app', count = MAIL.baselineMails, concurrency = MAIL.concurrency): Promise<MailOutcome> {
  const tag = composer === 'app' ? 'bare-' : 'barenm-';
  // Built before the clock starts: the app builds its mails when a signer signs, not when sending.
  const messages = Array.from({ length: count }, (_, i) => {
    const token = `bare${i}.${'x'.repeat(43)}`;
    return confirmSignatureMail({
      to: `${tag}${i}@example.org`, name: 'Bench Signer', kind: 'petition', petitionTitle: 'Open the library 24 hours during exams',
      confirmUrl: `http://127.0.0.1:1/signatures/confirm/${token}`, yourDataUrl: `http://127.0.0.1:1/signatures/yours/${token}`,
    });
  });
  const transport = composer === 'nodemailer' ? nodemailer.createTransport({ host: '127.0.0.1', port: relay.port, secure: false, ignoreTLS: true, pool: true, maxConnections: concurrency }) : null;
  const mailer = composer === 'app' ? new SmtpMailer(relay.url, FROM, concurrency) : null;
  const seen = new Map<string, number>();
  let last = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const off = relay.listen(([to, , at]) => {
    if (!to.startsWith(tag)) return;
    seen.set(to, (seen.get(to) ?? 0) + 1);
    last = Math.max(last, at);
    if (seen.size === count) resolveAll();
  });
  const relayCpu = cpuSeconds(relay.child.pid);
  const ownCpu = process.cpuUsage();
  let errors = 0;
  let next = 0;
  const start = now();
  const sender = async () => {
    while (next < count) {
      const m = messages[next++]!;
      const sent = transport ? transport.sendMail({ from: FROM, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers }) : mailer!.send(m);
      await sent.catch(() => errors++);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, sender));
    await Promise.race([all, sleep(MAIL.deadlineMs)]);
  } finally {
    off();
    transport?.close();
    mailer?.close();
  }
  const delivered = seen.size;
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const seconds = (last - start) / 1000;
  const own = process.cpuUsage(ownCpu);
  const ok = delivered === count && duplicates === 0 && errors === 0;
  return {
    row: {
      name: composer === 'app'
        ? `bare sender: the app's SmtpMailer (composed by src/mail/mime.ts, sent over src/mail/smtp-pool.ts), ${concurrency} connections, straight to the relay`
        : `bare nodemailer pool composing each message (the app before decision 0041), ${concurrency} connections, straight to the relay`,
      delivered, expected: count, mailsPerSecond: delivered / Math.max(seconds, 1e-3),
      notes: `${count} messages in ${seconds.toFixed(1)} s; CPU s: sender ${((own.user + own.system) / 1e6).toFixed(1)}, relay ${(cpuSeconds(relay.child.pid) - relayCpu).toFixed(1)}`,
    },
    check: `${composer === 'app' ? 'bare sender' : 'bare nodemailer pool composing'}: ${count} sent, ${delivered} received, ${duplicates} more than once, ${errors} send errors: ${ok ? 'OK' : 'FAILED'}`,
    ok,
  };
}
