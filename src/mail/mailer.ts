import nodemailer, { type Transporter } from 'nodemailer';
import type { OutgoingMail } from '../store/records.ts';
import type { MailFailureStage } from '../domain/outbox.ts';

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
 * are far below the outbox lease, so a send that hangs fails before another worker may take it.
 */
export class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string, connections = 3) {
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
    try {
      await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
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
