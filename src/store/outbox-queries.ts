import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable } from './schema.ts';
import type { MailQueued, OutboxMail, OutgoingMail } from './records.ts';
import type { EngineName } from './engine.ts';
import { laneOf, MAIL_LANES, type MailDropReason, type MailLane } from '../domain/outbox.ts';
import { withinDailyCap } from './mail-quota.ts';

type Db = Kysely<Database>;

const toMail = (r: Selectable<OutboxTable>): OutboxMail => ({
  id: r.id,
  lane: r.lane,
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
  droppedReason: r.dropped_reason,
});

/**
 * Queues mail in the caller's transaction. The one place the daily cap per address is enforced
 * (every path queues through here): mail over it is left out, and counted as dropped.
 */
export async function enqueueMail(db: Db, mails: OutgoingMail[], now: Date): Promise<MailQueued> {
  const at = now.toISOString();
  const queued = await withinDailyCap(db, mails, now);
  for (let i = 0; i < queued.length; i += 500) {
    await db
      .insertInto('outbox')
      .values(
        queued.slice(i, i + 500).map((m) => ({
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
  return { queued: queued.length, dropped: mails.length - queued.length };
}

/** Mail in one lane that is due and not leased to another worker, in queue order. */
const dueMail = (db: Db, lane: MailLane, at: string) =>
  db
    .selectFrom('outbox')
    .select('id')
    .where('lane', '=', lane)
    // These two conditions, written as in the index's own WHERE, let both engines use the partial index.
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .orderBy('next_attempt_at')
    .orderBy('id');

/** Whether any mail is due: a plain read, so an idle delivery pass needs no write transaction. */
export async function hasDueMail(db: Db, now: Date): Promise<boolean> {
  const at = now.toISOString();
  for (const lane of MAIL_LANES) if ((await dueMail(db, lane, at).limit(1).executeTakeFirst()) !== undefined) return true;
  return false;
}

export interface MailClaim {
  now: Date;
  /** The delivery worker taking the lease (one per process). */
  worker: string;
  /** How many mails to lease in all. */
  limit: number;
  /** How many of them the bulk lane may take even while priority mail waits (its fair share). */
  bulkAtLeast: number;
  leaseMs: number;
}

/**
 * Must run inside a transaction: select due rows, priority lane first (skipping rows other workers
 * hold on PostgreSQL), then lease them to this worker.
 */
export async function claimMail(db: Db, engine: EngineName, claim: MailClaim): Promise<OutboxMail[]> {
  const at = claim.now.toISOString();
  const due = (lane: MailLane, limit: number) => {
    if (limit <= 0) return Promise.resolve([]);
    const q = dueMail(db, lane, at).limit(limit);
    return (engine === 'postgres' ? q.forUpdate().skipLocked() : q).execute();
  };
  const bulkAtLeast = Math.min(claim.bulkAtLeast, claim.limit);
  // Priority is asked for the whole claim, so that it takes bulk's share when no bulk mail waits:
  // a claim short of its limit tells the worker the queue is empty, and it would wait for a wake.
  const priority = await due('priority', claim.limit);
  const bulk = await due('bulk', claim.limit - Math.min(priority.length, claim.limit - bulkAtLeast));
  const ids = [...priority.slice(0, claim.limit - bulk.length), ...bulk].map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('outbox')
    .set({ locked_until: new Date(claim.now.getTime() + claim.leaseMs).toISOString(), claimed_by: claim.worker })
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(toMail);
}

/** A worker keeping the mail it still holds (decision 0042). */
export interface MailRenewal {
  now: Date;
  worker: string;
  ids: number[];
  leaseMs: number;
}

/**
 * Extends the lease on mail `worker` still holds, to `now` + `leaseMs`; returns the ids renewed.
 * Only the holder renews, and only unfinished mail. A lease that ran out but was not taken is
 * still the holder's (nobody else has the mail); one another worker took is not renewed, and on
 * PostgreSQL the row lock orders a renewal and a claim of the same row, so never both hold it.
 */
export async function renewMailLeases(db: Db, r: MailRenewal): Promise<number[]> {
  const lockedUntil = new Date(r.now.getTime() + r.leaseMs).toISOString();
  const renewed: number[] = [];
  for (const ids of chunks(r.ids)) {
    const rows = await db
      .updateTable('outbox')
      .set({ locked_until: lockedUntil })
      .where('id', 'in', ids)
      .where('claimed_by', '=', r.worker)
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .returning('id')
      .execute();
    renewed.push(...rows.map((row) => row.id));
  }
  return renewed;
}

/** What a delivery worker finished with since it last wrote: recorded in one transaction. */
export interface MailSettlement {
  sent: number[];
  /** The message itself was refused for now: tried again at `at`, one attempt counted. */
  retry: Array<{ id: number; at: Date; error: string }>;
  /** The relay could not take mail: back in the queue in the same place, no attempt counted. */
  released: Array<{ id: number; error: string | null }>;
  dropped: Array<{ id: number; error: string; reason: MailDropReason }>;
}

export const emptySettlement = (): MailSettlement => ({ sent: [], retry: [], released: [], dropped: [] });
export const settlementSize = (s: MailSettlement): number => s.sent.length + s.retry.length + s.released.length + s.dropped.length;

const IN_CHUNKS = 500;
const chunks = <T>(items: T[]): T[][] => Array.from({ length: Math.ceil(items.length / IN_CHUNKS) }, (_, i) => items.slice(i * IN_CHUNKS, (i + 1) * IN_CHUNKS));

/**
 * Marks many mails at once. Sent is recorded once (the first mark wins), whoever holds the lease:
 * the mail did leave. Retries, releases and drops touch only mail this worker still holds.
 */
export async function settleMail(db: Db, worker: string, now: Date, s: MailSettlement): Promise<void> {
  const at = now.toISOString();
  const unlocked = { locked_until: null, claimed_by: null };
  for (const ids of chunks(s.sent)) {
    await db.updateTable('outbox').set({ sent_at: at, ...unlocked }).where('id', 'in', ids).where('sent_at', 'is', null).execute();
  }
  const held = (ids: number[]) => db.updateTable('outbox').where('id', 'in', ids).where('claimed_by', '=', worker).where('sent_at', 'is', null);
  for (const r of s.retry) {
    await held([r.id])
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: r.at.toISOString(), last_error: r.error.slice(0, 500), ...unlocked }))
      .execute();
  }
  for (const [error, ids] of groupBy(s.released, (r) => r.error)) {
    for (const part of chunks(ids)) await held(part).set(error === null ? unlocked : { last_error: error.slice(0, 500), ...unlocked }).execute();
  }
  for (const d of s.dropped) {
    await held([d.id])
      .set((eb) => ({ attempts: eb('attempts', '+', 1), failed_at: at, dropped_reason: d.reason, last_error: d.error.slice(0, 500), ...unlocked }))
      .execute();
  }
}

function groupBy<T extends { id: number }, K>(items: T[], key: (item: T) => K): Map<K, number[]> {
  const groups = new Map<K, number[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item.id]);
  return groups;
}

export interface LaneBacklog {
  lane: MailLane;
  /** Not yet sent nor given up. */
  waiting: number;
  /** Of those, due now (the rest wait for a retry). */
  due: number;
  oldestCreatedAt: Date | null;
}

export interface MailBacklog {
  lanes: LaneBacklog[];
  sentLastHour: number;
  droppedLastDay: Array<{ reason: MailDropReason; mails: number }>;
}

/** What the admin area shows of the outbox: the queue per lane and what became of recent mail. */
export async function mailBacklog(db: Db, now: Date): Promise<MailBacklog> {
  const at = now.toISOString();
  const waiting = await db
    .selectFrom('outbox')
    .select((eb) => [
      'lane',
      eb.fn.countAll<number>().as('waiting'),
      eb.fn.sum<number>(eb.case().when('next_attempt_at', '<=', at).then(1).else(0).end()).as('due'),
      eb.fn.min('created_at').as('oldest'),
    ])
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .groupBy('lane')
    .execute();
  const sent = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', '>=', new Date(now.getTime() - 3_600_000).toISOString()).executeTakeFirst();
  const dropped = await db
    .selectFrom('outbox')
    .select((eb) => ['dropped_reason', eb.fn.countAll<number>().as('n')])
    .where('failed_at', '>=', new Date(now.getTime() - 86_400_000).toISOString())
    .groupBy('dropped_reason')
    .execute();
  return {
    lanes: MAIL_LANES.map((lane) => {
      const row = waiting.find((w) => w.lane === lane);
      return { lane, waiting: Number(row?.waiting ?? 0), due: Number(row?.due ?? 0), oldestCreatedAt: row?.oldest ? new Date(row.oldest) : null };
    }),
    sentLastHour: Number(sent?.n ?? 0),
    droppedLastDay: dropped.map((d) => ({ reason: d.dropped_reason ?? 'refused', mails: Number(d.n) })),
  };
}

export async function listOutbox(db: Db, limit: number): Promise<OutboxMail[]> {
  return (await db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(limit).execute()).map(toMail);
}

export async function findOutboxMail(db: Db, id: number): Promise<OutboxMail | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMail(row);
}
