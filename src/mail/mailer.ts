import nodemailer, { type Transporter } from 'nodemailer';
import type { OutgoingMail } from '../store/records.ts';
import type { MailFailureStage } from '../domain/outbox.ts';
import { composeMail, parseMailbox, type ComposedMail, type Mailbox } from './mime.ts';

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
 * Real SMTP through a pooled nodemailer transport: one connection per message in flight. Timeouts
 * bound a send that hangs; its outbox lease is renewed meanwhile, so no other worker takes it.
 * Each message is written by src/mail/mime.ts and handed over whole, with its envelope: nodemailer's
 * own composer cost about half of the CPU of a send (decision 0041); nodemailer still holds the
 * SMTP conversation, the pool and dot-stuffing.
 */
export class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly transport: Transporter;
  private readonly from: Mailbox;

  constructor(smtpUrl: string, from: string, connections = 3) {
    this.from = parseMailbox(from);
    // The URL goes inside the options: as createTransport's first argument, the second is read as
    // message defaults, and the pool options were silently ignored (a new connection per message).
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: connections,
      maxMessages: 1000,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as object);
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
      // Given the Message-ID, nodemailer does not make one of its own (random bytes) for its report.
      await this.transport.sendMail({ envelope: { from: this.from.address, to: [mail.to] }, raw: message.raw, messageId: message.messageId });
    } catch (error) {
      const e = error as { message?: string; responseCode?: number; code?: string; command?: string };
      throw new MailDeliveryError(e.message ?? 'SMTP delivery failed', e.responseCode, failureStage(e));
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Development: mail stays in the outbox table and is read at /dev/outbox. Delivery is a no-op. */
export class DevOutboxMailer implements Mailer {
  readonly name = 'dev-outbox';
  async send(): Promise<void> {}
  close(): void {}
}
