import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { CompiledQuery, SqliteAdapter, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { OutgoingMail } from './records.ts';
import { canonicalEmail } from '../domain/email.ts';
import { DAILY_MAILS_PER_ADDRESS, isCappedKind } from '../domain/outbox.ts';
import { appSecret } from './organiser-queries.ts';

type Db = Kysely<Database>;

/** The secret under which addresses become quota keys: the table never holds an address. */
const KEY_NAME = 'mail-quota-key';

/**
 * Keys already read, per database: per Kysely instance, found through its adapter, which the
 * instance's transactions share (the SQLite writer thread has an instance of its own, and tests
 * open many databases in one process).
 */
const keys = new WeakMap<object, KeyObject>();
/** Transactions that made the key themselves: it is not kept until it is known to be committed. */
const madeIn = new WeakSet<object>();

async function quotaKey(db: Db): Promise<KeyObject> {
  const holder = db.getExecutor().adapter;
  const known = keys.get(holder);
  if (known) return known;
  const existing = await db.selectFrom('app_secrets').select('value').where('name', '=', KEY_NAME).executeTakeFirst();
  const key = createSecretKey(Buffer.from(existing?.value ?? (await appSecret(db, KEY_NAME, () => randomBytes(32).toString('hex'))), 'utf8'));
  // A key made inside a transaction that then rolls back never reaches the database: kept, it would
  // count this process's mail under a key nobody else knows. So it is kept once read committed.
  if (db.isTransaction && (!existing || madeIn.has(db))) madeIn.add(db);
  else keys.set(holder, key);
  return key;
}

/** Turns addresses into their quota keys (HMAC-SHA256 of the canonical address; mail is only queued to canonical ones). */
export async function recipientKeyer(db: Db): Promise<(address: string) => string> {
  const key = await quotaKey(db);
  return (address) => createHmac('sha256', key).update(canonicalEmail(address).address ?? address).digest('base64url');
}

/** Counts are kept per UTC day. */
export const quotaDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * True where the address still had room today: a guard for writes that would lead to a capped
 * mail (a resend replaces the signer's link), so that an address at its cap keeps what it has.
 */
export const hasRoomToday = (eb: ExpressionBuilder<Database, 'signatures'>, recipientKey: string, day: string) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom('mail_quota')
        .select('mail_quota.mails')
        .where('mail_quota.recipient_key', '=', recipientKey)
        .where('mail_quota.day', '=', day)
        .where('mail_quota.mails', '>=', DAILY_MAILS_PER_ADDRESS),
    ),
  );

/**
 * PostgreSQL: one statement for a whole batch. Each key appears once (a row may be updated only
 * once per statement), keys in sorted order so two transactions lock shared rows in the same order.
 */
const POSTGRES_UPSERT = `insert into mail_quota (recipient_key, day, mails)
select recipient_key, $2::text, mails from unnest($1::text[], $3::int[]) as q(recipient_key, mails)
on conflict (recipient_key, day) do update set mails = mail_quota.mails + excluded.mails
returning recipient_key, mails`;

/** SQLite: one prepared row per key; a statement costs no round trip there. */
const SQLITE_UPSERT = `insert into mail_quota (recipient_key, day, mails) values (?, ?, ?)
on conflict (recipient_key, day) do update set mails = mails + excluded.mails
returning mails`;

/**
 * The mails that may go: every mail of an uncapped kind, and of the capped kinds (domain/outbox.ts)
 * the first ones per address up to its daily cap. Runs in the caller's transaction. Every capped
 * mail asked for is counted once, queued or not.
 */
export async function withinDailyCap(db: Db, mails: OutgoingMail[], now: Date): Promise<OutgoingMail[]> {
  const capped = mails.flatMap((m, i) => (isCappedKind(m.kind) ? [i] : []));
  if (capped.length === 0) return mails;
  const keyOf = await recipientKeyer(db);
  const day = quotaDay(now);
  const byKey = new Map<string, number[]>();
  for (const i of capped) {
    const key = keyOf(mails[i]!.to);
    const group = byKey.get(key);
    if (group) group.push(i);
    else byKey.set(key, [i]);
  }
  const after = new Map<string, number>();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const [key, group] of byKey) {
      const { rows } = await db.executeQuery<{ mails: number }>(CompiledQuery.raw(SQLITE_UPSERT, [key, day, group.length]));
      after.set(key, Number(rows[0]!.mails));
    }
  } else {
    const sorted = [...byKey.keys()].sort();
    const { rows } = await db.executeQuery<{ recipient_key: string; mails: number }>(
      CompiledQuery.raw(POSTGRES_UPSERT, [sorted, day, sorted.map((k) => byKey.get(k)!.length)]),
    );
    for (const r of rows) after.set(r.recipient_key, Number(r.mails));
  }
  const over = new Set<number>();
  for (const [key, group] of byKey) {
    const room = Math.max(0, DAILY_MAILS_PER_ADDRESS - (after.get(key)! - group.length));
    for (const i of group.slice(room)) over.add(i);
  }
  return over.size === 0 ? mails : mails.filter((_, i) => !over.has(i));
}
