import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable } from './schema.ts';
import type { OutboxMail, OutgoingMail } from './records.ts';
import type { EngineName } from './engine.ts';
import { laneOf } from '../domain/outbox.ts';

type Db = Kysely<Database>;

const toMail = (r: Selectable<OutboxTable>): OutboxMail => ({
  id: r.id,
  kind: r.kind,
  to: r.to_address,
  subject: r.subject,
  text: r.text_body,
  html: r.html_body,
  headers: JSON.parse(r.headers) as Record<string, string>,
  createdAt: new Date(r.created_at),
  attempts: r.attempts,
  sentAt: r.sent_at ? new Date(r.sent_at) : null,
  failedAt: r.failed_at ? new Date(r.failed_at) : null,
  lastError: r.last_error,
});

export async function enqueueMail(db: Db, mails: OutgoingMail[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (let i = 0; i < mails.length; i += 500) {
    await db
      .insertInto('outbox')
      .values(
        mails.slice(i, i + 500).map((m) => ({
          kind: m.kind,
          to_address: m.to,
          subject: m.subject,
          text_body: m.text,
          html_body: m.html,
          headers: JSON.stringify(m.headers ?? {}),
          created_at: at,
          next_attempt_at: at,
          attempts: 0,
          lane: laneOf(m.kind),
        })),
      )
      .execute();
  }
}

/** Mail that is due and not leased to another worker. */
const dueMail = (db: Db, at: string) =>
  db
    .selectFrom('outbox')
    .select('id')
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]));

/** Whether any mail is due: a plain read, so an idle delivery pass needs no write transaction. */
export async function hasDueMail(db: Db, now: Date): Promise<boolean> {
  return (await dueMail(db, now.toISOString()).limit(1).executeTakeFirst()) !== undefined;
}

/** Must run inside a transaction: select due rows (skipping rows other workers hold), then lease them. */
export async function claimDueMail(db: Db, engine: EngineName, now: Date, limit: number, leaseMs: number): Promise<OutboxMail[]> {
  const at = now.toISOString();
  let due = dueMail(db, at).orderBy('id').limit(limit);
  if (engine === 'postgres') due = due.forUpdate().skipLocked();
  const ids = (await due.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('outbox')
    .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id).map(toMail);
}

export async function markMailSent(db: Db, id: number, now: Date): Promise<void> {
  await db.updateTable('outbox').set({ sent_at: now.toISOString(), locked_until: null }).where('id', '=', id).execute();
}

export async function markMailRetry(db: Db, id: number, at: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: at.toISOString(), locked_until: null, last_error: error.slice(0, 500) }))
    .where('id', '=', id)
    .execute();
}

export async function markMailFailed(db: Db, id: number, now: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), failed_at: now.toISOString(), locked_until: null, last_error: error.slice(0, 500) }))
    .where('id', '=', id)
    .execute();
}

export async function listOutbox(db: Db, limit: number): Promise<OutboxMail[]> {
  return (await db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(limit).execute()).map(toMail);
}

export async function findOutboxMail(db: Db, id: number): Promise<OutboxMail | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMail(row);
}
