import nodemailer, { type Transporter } from 'nodemailer';
import type { OutgoingMail } from '../store/records.ts';

/** Something that hands a message to a mail server; the outbox worker is its only caller. */
export interface Mailer {
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** A delivery failure, with the SMTP reply code when the server gave one (5xx is permanent). */
export class MailDeliveryError extends Error {
  constructor(message: string, readonly responseCode: number | undefined) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/** Real SMTP through a pooled nodemailer transport. */
export class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(smtpUrl, { pool: true, maxConnections: 3 } as object);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
    } catch (error) {
      const e = error as { message?: string; responseCode?: number };
      throw new MailDeliveryError(e.message ?? 'SMTP delivery failed', e.responseCode);
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
