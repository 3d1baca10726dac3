import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PetitionTable, UpdateTable } from './schema.ts';
import type { NewPetition, NewUpdate, Petition, PetitionMoveOptions, PetitionMoveResult, PetitionUpdate } from './records.ts';
import type { PetitionListQuery } from './store.ts';
import { AWAITING_REVIEW, planMove, PUBLICLY_VISIBLE, type PetitionState } from '../domain/petition.ts';
import { err, ok } from '../domain/result.ts';

type Db = Kysely<Database>;

const iso = (d: Date): string => d.toISOString();
const dateOrNull = (s: string | null): Date | null => (s === null ? null : new Date(s));

const petitionColumns = [
  'p.id', 'p.slug', 'p.kind', 'p.title', 'p.target', 'p.body', 'p.why', 'p.category_id', 'p.campaign_id',
  'p.location_name', 'p.lat', 'p.lon', 'p.state', 'p.signature_count', 'p.goal', 'p.goal_fixed', 'p.created_by',
  'p.created_at', 'p.opened_at', 'p.closes_at', 'p.verified_at', 'p.listed', 'p.closed_at', 'p.reviewed_at',
  'p.hidden_from',
] as const;

export const selectPetitions = (db: Db) =>
  db
    .selectFrom('petitions as p')
    .leftJoin('categories as c', 'c.id', 'p.category_id')
    .leftJoin('campaigns as k', 'k.id', 'p.campaign_id')
    .select(petitionColumns)
    .select(['c.slug as category_slug', 'c.name as category_name', 'k.slug as campaign_slug', 'k.title as campaign_title']);

type PetitionRow = Selectable<PetitionTable> & {
  category_slug: string | null;
  category_name: string | null;
  campaign_slug: string | null;
  campaign_title: string | null;
};

export const toPetition = (r: PetitionRow): Petition => ({
  id: r.id,
  slug: r.slug,
  kind: r.kind,
  title: r.title,
  target: r.target,
  body: r.body,
  why: r.why,
  category: r.category_id !== null && r.category_slug !== null ? { id: r.category_id, slug: r.category_slug, name: r.category_name ?? '' } : null,
  campaign: r.campaign_slug !== null ? { slug: r.campaign_slug, title: r.campaign_title ?? '' } : null,
  location: r.location_name !== null ? { name: r.location_name, lat: r.lat, lon: r.lon } : null,
  state: r.state,
  signatureCount: Number(r.signature_count),
  goal: r.goal,
  goalFixed: r.goal_fixed === 1,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  openedAt: dateOrNull(r.opened_at),
  closesAt: dateOrNull(r.closes_at),
  verifiedAt: dateOrNull(r.verified_at),
  listed: r.listed === 1,
  closedAt: dateOrNull(r.closed_at),
  hiddenFrom: r.hidden_from,
});

export const toUpdate = (r: Omit<Selectable<UpdateTable>, 'mail_state' | 'mail_cursor'>): PetitionUpdate => ({
  id: r.id,
  petitionId: r.petition_id,
  type: r.type,
  text: r.text,
  url: r.url,
  count: r.count,
  createdAt: new Date(r.created_at),
});

export async function findPetitionBySlug(db: Db, slug: string): Promise<Petition | undefined> {
  const row = await selectPetitions(db).where('p.slug', '=', slug).executeTakeFirst();
  return row && toPetition(row);
}

export async function findPetitionById(db: Db, id: number): Promise<Petition> {
  return toPetition(await selectPetitions(db).where('p.id', '=', id).executeTakeFirstOrThrow());
}

export async function findPetitionByIdIfAny(db: Db, id: number): Promise<Petition | undefined> {
  const row = await selectPetitions(db).where('p.id', '=', id).executeTakeFirst();
  return row && toPetition(row);
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  const row = await db.selectFrom('petitions').select('id').where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

export async function listVisiblePetitions(db: Db, q: PetitionListQuery): Promise<Petition[]> {
  let query = selectPetitions(db).where('p.state', 'in', [...PUBLICLY_VISIBLE]).where('p.listed', '=', 1).orderBy('p.id', 'desc').limit(q.limit);
  if (q.after !== null) query = query.where('p.id', '<', q.after);
  return (await query.execute()).map(toPetition);
}

const petitionValues = (p: NewPetition) => ({
  slug: p.slug,
  kind: p.kind,
  title: p.title,
  target: p.target,
  body: p.body,
  why: p.why,
  category_id: p.categoryId,
  campaign_id: p.campaignId,
  location_name: p.location?.name ?? null,
  lat: p.location?.lat ?? null,
  lon: p.location?.lon ?? null,
  state: p.state,
  goal: p.goal,
  goal_fixed: p.goalFixed ? 1 : 0,
  created_by: p.createdBy,
  created_at: iso(p.createdAt),
  opened_at: p.state === 'open' ? iso(p.createdAt) : null,
  closes_at: p.closesAt ? iso(p.closesAt) : null,
  verified_at: p.verifiedAt ? iso(p.verifiedAt) : null,
  listed: p.listed ? 1 : 0,
  closed_at: null,
});

export async function createPetition(db: Db, p: NewPetition): Promise<Petition> {
  const { id } = await db.insertInto('petitions').values(petitionValues(p)).returning('id').executeTakeFirstOrThrow();
  return findPetitionById(db, id);
}

/** Inserts the petition unless its slug is taken (then nothing is written): atomic, so two starts cannot both get one slug. */
export async function createPetitionIfSlugFree(db: Db, p: NewPetition): Promise<Petition | undefined> {
  const row = await db
    .insertInto('petitions')
    .values(petitionValues(p))
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row && findPetitionById(db, row.id);
}

const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};

/**
 * Gives a petition a new slug unless another petition has it; false when one has. Must run in a
 * transaction: the savepoint keeps a slug taken by a concurrent commit meanwhile from failing the
 * caller's transaction (PostgreSQL aborts a transaction at its first error).
 */
export async function movePetitionToSlugIfFree(db: Db, id: number, slug: string): Promise<boolean> {
  await sql`savepoint move_slug`.execute(db);
  try {
    const moved = await db
      .updateTable('petitions')
      .set({ slug })
      .where('id', '=', id)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('petitions as other').select('other.id').where('other.slug', '=', slug))))
      .returning('id')
      .executeTakeFirst();
    await sql`release savepoint move_slug`.execute(db);
    return moved !== undefined;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await sql`rollback to savepoint move_slug`.execute(db);
    await sql`release savepoint move_slug`.execute(db);
    return false;
  }
}

export async function listUpdates(db: Db, petitionId: number): Promise<PetitionUpdate[]> {
  const rows = await db
    .selectFrom('updates')
    .select(['id', 'petition_id', 'type', 'text', 'url', 'count', 'created_at'])
    .where('petition_id', '=', petitionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toUpdate);
}

export async function addUpdate(db: Db, u: NewUpdate): Promise<PetitionUpdate> {
  const row = await db
    .insertInto('updates')
    .values({ petition_id: u.petitionId, type: u.type, text: u.text, url: u.url, count: null, created_at: iso(u.createdAt), mail_state: u.mailSigners ? 'queued' : null, mail_cursor: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUpdate(row);
}

export async function consentingSignerEmails(db: Db, petitionId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('signatures')
    .select('email')
    .where('petition_id', '=', petitionId)
    .where('state', '=', 'confirmed')
    .where('consent', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.email);
}

export async function countSignatures(db: Db, petitionId: number, state: 'pending' | 'confirmed'): Promise<number> {
  const { n } = await db
    .selectFrom('signatures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('petition_id', '=', petitionId)
    .where('state', '=', state)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function countPetitions(db: Db): Promise<number> {
  const { n } = await db.selectFrom('petitions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * The one door for a state change: the lifecycle's table (domain/petition.ts `planMove`) decides
 * whether the move is allowed and which dates it sets. The write happens only if the petition is
 * still in the state it was read in, so a lost race is refused like an illegal move. Runs inside
 * the caller's transaction when there is one.
 */
export async function movePetition(db: Db, id: number, to: PetitionState, at: Date, options: PetitionMoveOptions = {}): Promise<PetitionMoveResult> {
  const refused = err('ILLEGAL_TRANSITION');
  const current = await db.selectFrom('petitions').select('state').where('id', '=', id).executeTakeFirst();
  if (!current || (options.from && !options.from.has(current.state))) return refused;
  const move = planMove(current.state, to);
  if (!move.ok) return move;
  const { opens, finishes, hiddenFrom } = move.value;
  const row = await db
    .updateTable('petitions')
    .set({
      state: to,
      hidden_from: hiddenFrom,
      ...(opens ? { opened_at: iso(at) } : {}),
      ...(finishes ? { closed_at: iso(at) } : {}),
      ...(options.listed !== undefined ? { listed: options.listed ? 1 : 0 } : {}),
      ...(options.reviewed ? { reviewed_at: iso(at) } : {}),
    })
    .where('id', '=', id)
    .where('state', '=', current.state)
    .returning('id')
    .executeTakeFirst();
  return row ? ok(current.state) : refused;
}

/** The organiser followed the petition's first link: it is verified (not yet listed), still waiting where it is. */
export async function verifyPetition(db: Db, id: number, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('petitions')
    .set({ verified_at: iso(at), listed: 0 })
    .where('id', '=', id)
    .where('state', 'in', [...AWAITING_REVIEW])
    .where('verified_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
