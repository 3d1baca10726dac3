import { sql, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from './schema.ts';
import type { Petition } from './records.ts';
import type { DecisionOutcome, ModerationActionKind } from '../domain/moderation.ts';
import { AWAITING_REVIEW, EVER_PUBLISHED, PUBLICLY_VISIBLE, type PetitionState } from '../domain/petition.ts';
import { movePetition, selectPetitions, toPetition } from './petition-queries.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

/** Why a petition is in the review queue. */
export type ReviewReason = 'awaiting-approval' | 'unlisted' | 'edited' | 'reported';

export interface ReviewItem {
  petition: Petition;
  reasons: ReviewReason[];
  openReports: number;
}

export interface NewReport {
  petitionId: number;
  reason: string;
  details: string | null;
  at: Date;
}

export interface Report extends Omit<NewReport, 'at'> {
  id: number;
  createdAt: Date;
  resolution: 'actioned' | 'dismissed' | null;
}

export interface NewModerationAction {
  userId: number;
  petitionId: number | null;
  action: ModerationActionKind;
  reason: string | null;
  at: Date;
}

export interface ModerationAction extends Omit<NewModerationAction, 'at'> {
  id: number;
  userEmail: string;
  petition: { slug: string; title: string } | null;
  createdAt: Date;
}

/** Edits to these fields change what signers and readers see, so they bring a petition back for review. */
const REVIEWED_FIELDS = ['title', 'target', 'body', 'why', 'location'];

type PetitionScope = ExpressionBuilder<Database & { p: Database['petitions'] }, 'p'>;

const openReportsOf = (eb: PetitionScope) => eb.selectFrom('reports as r').whereRef('r.petition_id', '=', 'p.id').where('r.resolved_at', 'is', null);

const editedSinceReview = (eb: PetitionScope) =>
  eb.exists(
    eb
      .selectFrom('petition_edits as e')
      .select('e.id')
      .whereRef('e.petition_id', '=', 'p.id')
      .where('e.field', 'in', REVIEWED_FIELDS)
      // At the same instant counts as after: the moderator may have decided on the words before the edit.
      .where(sql<SqlBool>`e.created_at >= coalesce(p.reviewed_at, '')`),
  );

/**
 * Petitions waiting for a moderator, oldest first: confirmed but not yet approved (pre-moderation),
 * live but unlisted (post-moderation), reworded since their last review, or reported by readers.
 */
export async function reviewQueue(db: Db, q: { limit: number; petitionId?: number }): Promise<ReviewItem[]> {
  let query = selectPetitions(db)
    .select((eb) => [openReportsOf(eb).select((r) => r.fn.countAll<number>().as('n')).as('open_reports'), editedSinceReview(eb).as('edited')])
    .where((eb) =>
      eb.or([
        eb.and([eb('p.state', 'in', [...AWAITING_REVIEW]), eb('p.verified_at', 'is not', null)]),
        eb.and([eb('p.state', 'in', [...PUBLICLY_VISIBLE]), eb('p.listed', '=', 0)]),
        // A hidden petition its organiser has since reworded comes back, so it can be restored.
        eb.and([eb('p.state', 'in', [...EVER_PUBLISHED]), editedSinceReview(eb)]),
        eb.exists(openReportsOf(eb).select('r.id')),
      ]),
    )
    .orderBy('p.id')
    .limit(q.limit);
  if (q.petitionId !== undefined) query = query.where('p.id', '=', q.petitionId);
  const rows = await query.execute();
  return rows.map((r) => {
    const petition = toPetition(r);
    const count = Number(r.open_reports ?? 0);
    const reasons: ReviewReason[] = [];
    if (AWAITING_REVIEW.has(petition.state)) reasons.push('awaiting-approval');
    if (PUBLICLY_VISIBLE.has(petition.state) && !petition.listed) reasons.push('unlisted');
    if (EVER_PUBLISHED.has(petition.state) && Number(r.edited) === 1) reasons.push('edited');
    if (count > 0) reasons.push('reported');
    return { petition, reasons, openReports: count };
  });
}

/** Applies a decision only if the petition is still in `from`: a decision made on a stale page changes nothing. */
export async function applyModerationDecision(db: Db, id: number, from: PetitionState, outcome: DecisionOutcome, at: Date): Promise<boolean> {
  if (outcome.state !== from) return (await movePetition(db, id, outcome.state, at, { from: new Set([from]), listed: outcome.listed, reviewed: true })).ok;
  // Approved as it is: no move, only listed and reviewed.
  const row = await db
    .updateTable('petitions')
    .set({ listed: outcome.listed ? 1 : 0, reviewed_at: iso(at) })
    .where('id', '=', id)
    .where('state', '=', from)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordModerationAction(db: Db, a: NewModerationAction): Promise<void> {
  await db
    .insertInto('moderation_actions')
    .values({ user_id: a.userId, petition_id: a.petitionId, action: a.action, reason: a.reason, created_at: iso(a.at) })
    .execute();
}

/** The audit log, newest first, a page at a time (`before`: the last id of the previous page). */
export async function listModerationActions(db: Db, q: { limit: number; before: number | null; petitionId?: number; action?: ModerationActionKind }): Promise<ModerationAction[]> {
  let query = db
    .selectFrom('moderation_actions as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('petitions as p', 'p.id', 'a.petition_id')
    .select(['a.id', 'a.user_id', 'a.petition_id', 'a.action', 'a.reason', 'a.created_at', 'u.email', 'p.slug', 'p.title'])
    .orderBy('a.id', 'desc')
    .limit(q.limit);
  if (q.before !== null) query = query.where('a.id', '<', q.before);
  if (q.petitionId !== undefined) query = query.where('a.petition_id', '=', q.petitionId);
  if (q.action !== undefined) query = query.where('a.action', '=', q.action);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    userEmail: r.email,
    petitionId: r.petition_id,
    petition: r.slug !== null && r.title !== null ? { slug: r.slug, title: r.title } : null,
    action: r.action as ModerationActionKind,
    reason: r.reason,
    createdAt: new Date(r.created_at),
  }));
}

export async function createReport(db: Db, r: NewReport): Promise<void> {
  await db
    .insertInto('reports')
    .values({ petition_id: r.petitionId, reason: r.reason, details: r.details, created_at: iso(r.at), resolved_at: null, resolution: null, resolved_by: null })
    .execute();
}

/** A petition's reports, open ones first, newest first within each. */
export async function listReports(db: Db, petitionId: number): Promise<Report[]> {
  const rows = await db.selectFrom('reports').selectAll().where('petition_id', '=', petitionId).orderBy('id', 'desc').limit(500).execute();
  const reports = rows.map((r) => ({ id: r.id, petitionId: r.petition_id, reason: r.reason, details: r.details, createdAt: new Date(r.created_at), resolution: r.resolution }));
  return [...reports.filter((r) => r.resolution === null), ...reports.filter((r) => r.resolution !== null)];
}

/** Closes every open report of a petition; returns how many there were. */
export async function resolveReports(db: Db, petitionId: number, resolution: 'actioned' | 'dismissed', userId: number, at: Date): Promise<number> {
  const rows = await db
    .updateTable('reports')
    .set({ resolved_at: iso(at), resolution, resolved_by: userId })
    .where('petition_id', '=', petitionId)
    .where('resolved_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

export async function readSiteSettings(db: Db): Promise<Record<string, string>> {
  const rows = await db.selectFrom('site_settings').select(['key', 'value']).execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function writeSiteSettings(db: Db, values: Record<string, string>, at: Date): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await db
      .insertInto('site_settings')
      .values({ key, value, updated_at: iso(at) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: iso(at) }))
      .execute();
  }
}

/** Records attempts under each key (and forgets attempts older than `forgetBefore`); returns their ids. */
export async function addSignInAttempts(db: Db, keys: string[], at: Date, forgetBefore: Date): Promise<number[]> {
  await db.deleteFrom('sign_in_attempts').where('created_at', '<', iso(forgetBefore)).execute();
  const rows = await db.insertInto('sign_in_attempts').values(keys.map((key) => ({ key, created_at: iso(at) }))).returning('id').execute();
  return rows.map((r) => r.id);
}

export async function countSignInAttempts(db: Db, key: string, since: Date): Promise<number> {
  const { n } = await db
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', key)
    .where('created_at', '>=', iso(since))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function removeSignInAttempts(db: Db, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('sign_in_attempts').where('id', 'in', ids).execute();
}
