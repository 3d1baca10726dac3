import { CompiledQuery, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { AlreadySigned, BatchResult, ConfirmOutcome, CountChange, OutgoingMail, SignatureBatch, SignOutcome, SignatureToWrite } from './records.ts';
import { crossedMilestones, goalAfter, milestoneText } from '../domain/milestones.ts';
import { isSignable, PUBLICLY_VISIBLE } from '../domain/petition.ts';
import { CONFIRMATION_MAILS_PER_SIGNATURE } from '../domain/outbox.ts';
import { enqueueMail } from './outbox-queries.ts';
import { hasRoomToday, quotaDay, recipientKeyer } from './mail-quota.ts';

type Db = Kysely<Database>;

/** A pending signer who signs again gets a fresh link, but not more often than this. */
const RESEND_AFTER_MS = 10 * 60_000;

const keyOf = (petitionId: number, email: string): string => `${petitionId}\u0000${email}`;

/**
 * Writes one batch of signatures and confirmations; the caller runs it inside one transaction.
 * Counts move once per petition per batch, and milestones come from the count before and after
 * that single update, so each is recorded exactly once whatever the concurrency.
 */
export async function commitSignatureBatch(db: Db, batch: SignatureBatch): Promise<BatchResult> {
  const now = batch.now.toISOString();
  const deltas = new Map<number, number>();
  const bump = (petitionId: number) => deltas.set(petitionId, (deltas.get(petitionId) ?? 0) + 1);
  const mails: OutgoingMail[] = [];
  const alreadySigned: AlreadySigned[] = [];

  const signatures = await writeSignatures(db, batch, now, bump, mails, alreadySigned);
  const confirmations = await writeConfirmations(db, batch, now, bump);
  const counts = await moveCounts(db, deltas, now);
  await enqueueMail(db, mails, batch.now);
  return { signatures, confirmations, counts, alreadySigned };
}

/** Each petition's standing at commit time: the request looked it up earlier, perhaps from a cache. */
async function petitionStanding(db: Db, ids: number[], at: Date): Promise<Map<number, SignOutcome>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('petitions').select(['id', 'state', 'closes_at']).where('id', 'in', ids).execute();
  return new Map(
    rows.map((r) => {
      if (!PUBLICLY_VISIBLE.has(r.state)) return [r.id, 'gone'];
      return [r.id, isSignable({ state: r.state, closesAt: r.closes_at ? new Date(r.closes_at) : null }, at) ? 'accepted' : 'closed'];
    }),
  );
}

/** Always the same columns in the same order: the SQLite path below binds a row's values by position. */
function signatureRow(s: SignatureToWrite, now: string) {
  return {
    petition_id: s.petitionId,
    email: s.email,
    name: s.name,
    postcode: s.postcode,
    country: s.country,
    consent: s.consent ? 1 : 0,
    state: s.confirmed ? ('confirmed' as const) : ('pending' as const),
    token_hash: s.tokenHash,
    created_at: now,
    confirmed_at: s.confirmed ? now : null,
    mailed_at: s.confirmationMail ? now : null,
    ip_hash: s.ipHash,
    flag: s.flag,
    consent_version: s.consentVersion,
    confirmation_mails: s.confirmationMail ? 1 : 0,
  };
}

type SignatureRow = ReturnType<typeof signatureRow>;

/** Column types for PostgreSQL's unnest (integer columns; everything else is text). */
const POSTGRES_COLUMN_TYPES: Record<keyof SignatureRow, 'int' | 'text'> = {
  petition_id: 'int', email: 'text', name: 'text', postcode: 'text', country: 'text', consent: 'int', state: 'text', token_hash: 'text',
  created_at: 'text', confirmed_at: 'text', mailed_at: 'text', ip_hash: 'text', flag: 'text', consent_version: 'int', confirmation_mails: 'int',
};
const POSTGRES_COLUMNS = Object.keys(POSTGRES_COLUMN_TYPES) as Array<keyof SignatureRow>;

/**
 * PostgreSQL: one statement for the whole batch, its rows passed as one array per column. A VALUES
 * list of hundreds of rows, 14 parameters each, had to be built, sent and parsed anew for every
 * batch; this text is the same every time.
 */
const POSTGRES_INSERT = `insert into signatures (${POSTGRES_COLUMNS.join(', ')}) select * from unnest(${POSTGRES_COLUMNS.map(
  (c, i) => `$${i + 1}::${POSTGRES_COLUMN_TYPES[c]}[]`,
).join(', ')}) on conflict (petition_id, email) do nothing returning petition_id, email`;

/** Inserts new signatures, skipping (petition, email) pairs already signed; returns the pairs written. */
async function insertSignatures(db: Db, rows: SignatureRow[]): Promise<Array<{ petition_id: number; email: string }>> {
  if (rows.length === 0) return [];
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    const arrays = POSTGRES_COLUMNS.map((c) => rows.map((r) => r[c]));
    return (await db.executeQuery<{ petition_id: number; email: string }>(CompiledQuery.raw(POSTGRES_INSERT, arrays))).rows;
  }
  // SQLite has no round trips: one statement per row, compiled once per batch and prepared once
  // per connection (engine.ts caches statements), costs the writer about half the CPU of building
  // and preparing a new statement of hundreds of rows for every batch (decision 0025).
  const { sql, parameters } = db
    .insertInto('signatures')
    .values(rows[0]!)
    .onConflict((oc) => oc.columns(['petition_id', 'email']).doNothing())
    .returning(['petition_id', 'email'])
    .compile();
  if (parameters.length !== Object.keys(rows[0]!).length) throw new Error('signature insert: parameters do not match the row');
  const written: Array<{ petition_id: number; email: string }> = [];
  for (const row of rows) {
    const result = await db.executeQuery<{ petition_id: number; email: string }>(CompiledQuery.raw(sql, Object.values(row)));
    if (result.rows[0]) written.push(result.rows[0]);
  }
  return written;
}

async function writeSignatures(
  db: Db,
  batch: SignatureBatch,
  now: string,
  bump: (petitionId: number) => void,
  mails: OutgoingMail[],
  alreadySigned: AlreadySigned[],
): Promise<SignOutcome[]> {
  const standing = await petitionStanding(db, [...new Set(batch.signatures.map((s) => s.petitionId))], batch.now);
  const signable = new Set([...standing].filter(([, o]) => o === 'accepted').map(([id]) => id));
  // The first of several identical (petition, email) pairs in a batch is the one written.
  const firsts = new Map<string, SignatureToWrite>();
  const indexOf = new Map<SignatureToWrite, number>();
  batch.signatures.forEach((s, i) => {
    if (!signable.has(s.petitionId) || firsts.has(keyOf(s.petitionId, s.email))) return;
    firsts.set(keyOf(s.petitionId, s.email), s);
    indexOf.set(s, i);
  });
  const toInsert = [...firsts.values()];
  const inserted = new Set<string>();
  for (const r of await insertSignatures(db, toInsert.map((s) => signatureRow(s, now)))) inserted.add(keyOf(r.petition_id, r.email));
  for (const s of toInsert) {
    if (!inserted.has(keyOf(s.petitionId, s.email))) continue;
    // A flagged signature is kept for moderators to judge, but counts only if they clear it.
    if (s.confirmed && s.flag === null) bump(s.petitionId);
    if (s.confirmationMail) mails.push(s.confirmationMail);
  }
  const repeats = toInsert.filter((s) => !inserted.has(keyOf(s.petitionId, s.email)));
  for (const r of await mailRepeats(db, repeats, batch.now, mails)) alreadySigned.push({ index: indexOf.get(r.signature)!, name: r.name });
  return batch.signatures.map((s) => standing.get(s.petitionId) ?? 'gone');
}

/**
 * An address that signs again, when it is being mailed (`confirmationMail` is set: confirmation by
 * email, and not flagged). Before confirming, the signer probably lost the mail: a new link, not
 * more often than every 10 minutes. Once confirmed, one mail saying so, rendered by the caller.
 * Both come out of the signature's budget of CONFIRMATION_MAILS_PER_SIGNATURE, counted by the same
 * update that checks it, and neither is made for an address already at its daily cap (a resend
 * would replace a link that still works with one that is never sent).
 */
async function mailRepeats(db: Db, repeats: SignatureToWrite[], now: Date, mails: OutgoingMail[]): Promise<Array<{ signature: SignatureToWrite; name: string }>> {
  const withMail = repeats.filter((s) => s.confirmationMail !== null);
  if (withMail.length === 0) return [];
  const resendBefore = new Date(now.getTime() - RESEND_AFTER_MS).toISOString();
  const at = now.toISOString();
  const keyOfAddress = await recipientKeyer(db);
  const day = quotaDay(now);
  const confirmedRepeats: Array<{ signature: SignatureToWrite; name: string }> = [];
  for (const s of withMail) {
    const updated = await db
      .updateTable('signatures')
      .set((eb) => ({
        token_hash: eb.case().when('state', '=', 'pending').then(s.tokenHash).else(eb.ref('token_hash')).end(),
        mailed_at: at,
        confirmation_mails: eb('confirmation_mails', '+', 1),
      }))
      .where('petition_id', '=', s.petitionId)
      .where('email', '=', s.email)
      .where('confirmation_mails', '<', CONFIRMATION_MAILS_PER_SIGNATURE)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'confirmed'),
          eb.and([eb('state', '=', 'pending'), eb.or([eb('mailed_at', 'is', null), eb('mailed_at', '<', resendBefore)])]),
        ]),
      )
      .where((eb) => hasRoomToday(eb, keyOfAddress(s.email), day))
      .returning(['state', 'name'])
      .executeTakeFirst();
    if (!updated) continue;
    if (updated.state === 'pending') mails.push(s.confirmationMail!);
    else confirmedRepeats.push({ signature: s, name: updated.name });
  }
  return confirmedRepeats;
}

async function writeConfirmations(db: Db, batch: SignatureBatch, now: string, bump: (petitionId: number) => void): Promise<ConfirmOutcome[]> {
  if (batch.confirmations.length === 0) return [];
  const found = await db
    .selectFrom('signatures as s')
    .innerJoin('petitions as p', 'p.id', 's.petition_id')
    .select(['s.id', 's.token_hash', 's.state', 's.flag', 's.petition_id', 'p.slug', 'p.state as petition_state', 'p.closes_at'])
    .where('s.token_hash', 'in', [...new Set(batch.confirmations)])
    .execute();
  const byHash = new Map(found.map((r) => [r.token_hash, r]));
  const toConfirm = found.filter(
    (r) => r.state === 'pending' && isSignable({ state: r.petition_state, closesAt: r.closes_at ? new Date(r.closes_at) : null }, batch.now),
  );
  const confirmedNow = new Set<string>();
  if (toConfirm.length > 0) {
    // The state guard makes a confirmation count once even if two processes race on the same link.
    const rows = await db
      .updateTable('signatures')
      .set({ state: 'confirmed', confirmed_at: now })
      .where('id', 'in', toConfirm.map((r) => r.id))
      .where('state', '=', 'pending')
      .returning(['token_hash', 'petition_id', 'flag'])
      .execute();
    for (const r of rows) {
      confirmedNow.add(r.token_hash);
      if (r.flag === null) bump(r.petition_id);
    }
  }
  const seen = new Set<string>();
  return batch.confirmations.map((hash): ConfirmOutcome => {
    const row = byHash.get(hash);
    if (!row) return { status: 'invalid' };
    const first = !seen.has(hash);
    seen.add(hash);
    if (first && confirmedNow.has(hash)) return { status: 'confirmed', petitionSlug: row.slug };
    if (row.state === 'confirmed' || confirmedNow.has(hash)) return { status: 'already-confirmed', petitionSlug: row.slug };
    return { status: 'closed', petitionSlug: row.slug };
  });
}

async function moveCounts(db: Db, deltas: Map<number, number>, now: string): Promise<CountChange[]> {
  const changes: CountChange[] = [];
  for (const [petitionId, delta] of [...deltas].sort(([a], [b]) => a - b)) {
    // One row update per petition per batch: the row lock is held once, whatever the batch size.
    const row = await db
      .updateTable('petitions')
      .set((eb) => ({ signature_count: eb('signature_count', '+', delta) }))
      .where('id', '=', petitionId)
      .returning(['signature_count', 'goal', 'goal_fixed'])
      .executeTakeFirstOrThrow();
    const after = Number(row.signature_count);
    const before = after - delta;
    const milestones = crossedMilestones(before, after);
    if (milestones.length > 0) {
      await db
        .insertInto('updates')
        .values(milestones.map((count) => ({ petition_id: petitionId, type: 'milestone' as const, text: milestoneText(count), url: null, count, created_at: now })))
        .execute();
    }
    const goal = goalAfter(row.goal, row.goal_fixed === 1, after);
    if (goal !== row.goal) await db.updateTable('petitions').set({ goal }).where('id', '=', petitionId).execute();
    changes.push({ petitionId, before, after, milestones });
  }
  return changes;
}
