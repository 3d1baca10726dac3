import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

/** A real SMTP server on loopback that keeps every message it receives, parsed. */
export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** When each message was accepted (ms since the epoch), in the same order. */
  receivedAt: number[];
  /** Each message's envelope recipients (RCPT TO), as the relay was given them, in the same order. */
  recipients: string[][];
  waitFor(predicate: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export interface SinkBehaviour {
  /** How long the relay takes over each message before accepting it. */
  delayMs?: number;
  /** A reply code to refuse a recipient with (550 permanent, 450 for now), or null to accept. */
  refuseRecipient?: (address: string) => number | null;
  /** While true, new sessions are refused with 421, as a relay that is overloaded or going down. */
  unavailable?: boolean;
}

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export async function startSmtpSink(port = 0, behaviour: SinkBehaviour = {}): Promise<SmtpSink & { behaviour: SinkBehaviour }> {
  const messages: ParsedMail[] = [];
  const receivedAt: number[] = [];
  const recipients: string[][] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      callback(behaviour.unavailable ? smtpError(421, 'Service not available, try later') : undefined);
    },
    onRcptTo(address, _session, callback) {
      const code = behaviour.refuseRecipient?.(address.address) ?? null;
      callback(code === null ? undefined : smtpError(code, code >= 500 ? 'No such mailbox' : 'Mailbox busy, try later'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
          messages.push(mail);
          receivedAt.push(Date.now());
          recipients.push(session.envelope.rcptTo.map((r) => r.address));
          for (const w of waiters.splice(0)) w();
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-message (the crash tests SIGKILL a sending server) resets its connection:
  // smtp-server reports it as an 'error' event, which unhandled would fail whichever test is running.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    receivedAt,
    recipients,
    behaviour,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The confirmation link of a mail's plain-text body. */
export function confirmationLink(mail: ParsedMail): string {
  const links = (mail.text ?? '').match(/https?:\/\/\S+/g) ?? [];
  const link = links.find((l) => l.includes('confirm'));
  if (!link) throw new Error(`no confirmation link in: ${mail.text}`);
  return link;
}
