import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { EngineName } from './engine.ts';

type Db = Kysely<Database>;

export interface NewSigningAlert {
  petitionId: number;
  kind: 'address' | 'domain' | 'country';
  key: string;
  count: number;
  at: Date;
}

export interface SigningAlert extends Omit<NewSigningAlert, 'at'> {
  id: number;
  petitionSlug: string;
  petitionTitle: string;
  createdAt: Date;
}

export async function recordSigningAlerts(db: Db, alerts: NewSigningAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  await db
    .insertInto('signing_alerts')
    .values(alerts.map((a) => ({ petition_id: a.petitionId, kind: a.kind, key: a.key, count: a.count, created_at: a.at.toISOString(), resolved_at: null })))
    .execute();
}

const selectAlerts = (db: Db) =>
  db.selectFrom('signing_alerts as a').innerJoin('petitions as p', 'p.id', 'a.petition_id').select(['a.id', 'a.petition_id', 'a.kind', 'a.key', 'a.count', 'a.created_at', 'p.slug', 'p.title']);

type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

const toAlert = (r: AlertRow): SigningAlert => ({ id: r.id, petitionId: r.petition_id, kind: r.kind, key: r.key, count: r.count, createdAt: new Date(r.created_at), petitionSlug: r.slug, petitionTitle: r.title });

export async function listOpenSigningAlerts(db: Db, limit: number): Promise<SigningAlert[]> {
  const rows = await selectAlerts(db).where('a.resolved_at', 'is', null).orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
  return rows.map(toAlert);
}

/** One alert, open or resolved. */
export async function findSigningAlert(db: Db, id: number): Promise<SigningAlert | undefined> {
  const row = await selectAlerts(db).where('a.id', '=', id).executeTakeFirst();
  return row && toAlert(row);
}

export async function resolveSigningAlert(db: Db, id: number, at: Date): Promise<boolean> {
  const r = await db.updateTable('signing_alerts').set({ resolved_at: at.toISOString() }).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Which signatures a bulk invalidation hits: at least one of address hashes, domain or time window. */
export interface SignatureCriteria {
  petitionId: number | null;
  ipHashes: string[] | null;
  /** Exact email domain, lower case. */
  domain: string | null;
  from: Date | null;
  to: Date | null;
}

const matching = (db: Db, c: SignatureCriteria) => {
  let q = db.selectFrom('signatures').where('state', 'in', ['pending', 'confirmed']).where('anonymised_at', 'is', null);
  if (c.petitionId !== null) q = q.where('petition_id', '=', c.petitionId);
  if (c.ipHashes !== null) q = q.where('ip_hash', 'in', c.ipHashes.length > 0 ? c.ipHashes : ['-']);
  // Domains are validated to letters, digits, dots and hyphens, so LIKE has nothing to escape.
  if (c.domain !== null) q = q.where('email', 'like', `%@${c.domain}`);
  if (c.from !== null) q = q.where('created_at', '>=', c.from.toISOString());
  if (c.to !== null) q = q.where('created_at', '<', c.to.toISOString());
  return q;
};

/** How many signatures (and of them, how many counted) an invalidation would hit, per petition. */
export async function previewInvalidation(db: Db, c: SignatureCriteria): Promise<Array<{ petitionId: number; signatures: number; counted: number }>> {
  const rows = await matching(db, c)
    .select((eb) => [
      'petition_id',
      eb.fn.countAll<number>().as('signatures'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('state', '=', 'confirmed'), eb('flag', 'is', null)])).then(1).else(0).end()).as('counted'),
    ])
    .groupBy('petition_id')
    .orderBy('petition_id')
    .execute();
  return rows.map((r) => ({ petitionId: r.petition_id, signatures: Number(r.signatures), counted: Number(r.counted ?? 0) }));
}

/** Marks the matching signatures invalidated; the caller recounts the petitions returned, in the same transaction. */
export async function invalidateSignatures(db: Db, c: SignatureCriteria): Promise<{ invalidated: number; petitionIds: number[] }> {
  const ids = (await matching(db, c).select('id').execute()).map((r) => r.id);
  const petitions = new Set<number>();
  let invalidated = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.updateTable('signatures').set({ state: 'invalidated' }).where('id', 'in', ids.slice(i, i + 500)).returning('petition_id').execute();
    for (const r of rows) petitions.add(r.petition_id);
    invalidated += rows.length;
  }
  return { invalidated, petitionIds: [...petitions].sort((a, b) => a - b) };
}

/**
 * Sets a petition's count to exactly its confirmed, unflagged signatures; returns the count before
 * and after. On PostgreSQL the row is locked first, so a signing batch committing meanwhile is either
 * in the count or waits and adds to it (SQLite's writes are serialised already).
 */
export async function recountPetitionReporting(db: Db, engine: EngineName, petitionId: number): Promise<{ before: number; after: number }> {
  let current = db.selectFrom('petitions').select('signature_count').where('id', '=', petitionId);
  if (engine === 'postgres') current = current.forUpdate();
  const before = Number((await current.executeTakeFirstOrThrow()).signature_count);
  const row = await db
    .selectFrom('signatures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('petition_id', '=', petitionId)
    .where('state', '=', 'confirmed')
    .where('flag', 'is', null)
    .executeTakeFirstOrThrow();
  const after = Number(row.n);
  if (after !== before) await db.updateTable('petitions').set({ signature_count: after }).where('id', '=', petitionId).execute();
  return { before, after };
}

export const recountPetition = async (db: Db, engine: EngineName, petitionId: number): Promise<number> => (await recountPetitionReporting(db, engine, petitionId)).after;

/** Clears the flag of signatures a moderator judged honest; the caller recounts. */
export async function clearFlags(db: Db, petitionId: number, ids: number[] | 'all'): Promise<number> {
  let q = db.updateTable('signatures').set({ flag: null }).where('petition_id', '=', petitionId).where('flag', 'is not', null);
  if (ids !== 'all') q = q.where('id', 'in', ids.length > 0 ? ids : [-1]);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/**
 * Petitions in these states whose count column differs from their confirmed, unflagged signatures.
 * One statement, so one snapshot: a batch half-committed cannot show up as drift.
 */
export async function petitionsWithDrift(db: Db, states: readonly string[]): Promise<Array<{ petitionId: number; slug: string; stored: number; actual: number }>> {
  const rows = await db
    .selectFrom('petitions as p')
    .select((eb) => [
      'p.id',
      'p.slug',
      'p.signature_count',
      eb
        .selectFrom('signatures as s')
        .select((s) => s.fn.countAll<number>().as('n'))
        .whereRef('s.petition_id', '=', 'p.id')
        .where('s.state', '=', 'confirmed')
        .where('s.flag', 'is', null)
        .as('actual'),
    ])
    .where('p.state', 'in', states as never)
    .execute();
  return rows
    .map((r) => ({ petitionId: r.id, slug: r.slug, stored: Number(r.signature_count), actual: Number(r.actual ?? 0) }))
    .filter((r) => r.stored !== r.actual);
}
