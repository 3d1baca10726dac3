import type { OutgoingMail } from '../store/records.ts';
import type { MailFailureStage } from '../domain/outbox.ts';
import { composeMail, parseMailbox, type ComposedMail, type Mailbox } from './mime.ts';
import { SmtpPool } from './smtp-pool.ts';

/** Something that hands a message to a mail server; the outbox worker is its only caller. */
export interface Mailer {
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * A delivery failure, with the SMTP reply code when the server gave one, and whether it was about
 * this message or the relay as a whole (domain/outbox.ts decides what follows from each).
 */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | undefined,
    readonly stage: MailFailureStage,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/**
 * Nodemailer's error codes and the SMTP command that failed say whose fault it was: a refused
 * recipient or message is the message's; a connection, timeout, login or sender problem is the
 * relay's, and says nothing about this message.
 */
export function failureStage(error: { code?: string; command?: string }): MailFailureStage {
  if (error.code === 'EENVELOPE' && (error.command === 'RCPT TO' || error.command === 'DATA' || error.command === 'API')) return 'message';
  if (error.code === 'EMESSAGE') return 'message';
  return 'relay';
}

/**
 * Real SMTP: each message written by src/mail/mime.ts (decision 0041) and sent over our pool of
 * nodemailer's SMTP connections (src/mail/smtp-pool.ts, decision 0050), one connection per message
 * in flight. Nodemailer still speaks SMTP: STARTTLS, login, SMTPUTF8 when the address needs it,
 * dot-stuffing. Timeouts bound a send that hangs; its outbox lease is renewed meanwhile, so no other
 * worker takes it.
 */
export class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly pool: SmtpPool;
  private readonly from: Mailbox;

  constructor(smtpUrl: string, from: string, connections = 3) {
    this.from = parseMailbox(from);
    this.pool = new SmtpPool({ url: smtpUrl, maxConnections: connections, maxMessages: 1000, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 30_000 });
  }

  async send(mail: OutgoingMail): Promise<void> {
    let message: ComposedMail;
    try {
      message = composeMail(mail, this.from);
    } catch (error) {
      // A mail that cannot be written (an address that is not one) is this message's fault alone.
      throw new MailDeliveryError((error as Error).message, undefined, 'message');
    }
    try {
      // One recipient, the one the mail is for: the envelope is never read from the headers.
      await this.pool.send({ from: this.from.address, to: mail.to, raw: message.raw });
    } catch (error) {
      const e = error as { message?: string; responseCode?: number; code?: string; command?: string };
      throw new MailDeliveryError(e.message ?? 'SMTP delivery failed', e.responseCode, failureStage(e));
    }
  }

  close(): void {
    this.pool.close();
  }
}

/** Development: mail stays in the outbox table and is read at /dev/outbox. Delivery is a no-op. */
export class DevOutboxMailer implements Mailer {
  readonly name = 'dev-outbox';
  async send(): Promise<void> {}
  close(): void {}
}
