import { afterMailFailure } from '../domain/outbox.ts';
import { MailDeliveryError, type Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/store.ts';

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

const LEASE_MS = 5 * 60_000;

/** One pass over due mail: send, then mark sent, retry later (with backoff) or give up. */
export async function deliverDueMail(deps: { store: Store; mailer: Mailer; clock: () => Date }, limit = 100): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const mails = await deps.store.claimDueMail(deps.clock(), limit, LEASE_MS);
  for (const mail of mails) {
    try {
      await deps.mailer.send(mail);
      await deps.store.markMailSent(mail.id, deps.clock());
      report.sent++;
    } catch (error) {
      const code = error instanceof MailDeliveryError ? error.responseCode : undefined;
      const message = error instanceof Error ? error.message : String(error);
      const decision = afterMailFailure(mail.attempts + 1, code, deps.clock());
      if (decision.kind === 'retry') {
        await deps.store.markMailRetry(mail.id, decision.at, message);
        report.retried++;
      } else {
        await deps.store.markMailFailed(mail.id, deps.clock(), message);
        report.failed++;
      }
    }
  }
  return report;
}
