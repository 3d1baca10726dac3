import type { Kysely } from 'kysely';
import type { Database, LoginPurpose } from './schema.ts';
import type { Petition, PetitionEdit, PetitionFieldChanges } from './records.ts';
import { AWAITING_REVIEW, SIGNABLE } from '../domain/petition.ts';
import type { EngineName } from './engine.ts';
import { findPetitionById, movePetition } from './petition-queries.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

export async function listPetitionsByCreator(db: Db, userId: number): Promise<Petition[]> {
  const rows = await db.selectFrom('petitions').select('id').where('created_by', '=', userId).orderBy('id', 'desc').execute();
  return Promise.all(rows.map((r) => findPetitionById(db, r.id)));
}

/** Closes every open petition whose deadline has passed, each through the one move; returns their ids. */
export async function closeDuePetitions(db: Db, now: Date): Promise<number[]> {
  const due = await db
    .selectFrom('petitions')
    .select('id')
    .where('state', 'in', [...SIGNABLE])
    .where('closes_at', 'is not', null)
    .where('closes_at', '<=', iso(now))
    .orderBy('id')
    .execute();
  const closed: number[] = [];
  for (const { id } of due) if ((await movePetition(db, id, 'closed', now, { from: SIGNABLE })).ok) closed.push(id);
  return closed;
}

export async function changePetitionFields(db: Db, id: number, changes: PetitionFieldChanges, edits: Omit<PetitionEdit, 'id'>[]): Promise<void> {
  const set: Partial<Record<string, unknown>> = {};
  if (changes.title !== undefined) set.title = changes.title;
  if (changes.target !== undefined) set.target = changes.target;
  if (changes.body !== undefined) set.body = changes.body;
  if (changes.why !== undefined) set.why = changes.why;
  if (changes.categoryId !== undefined) set.category_id = changes.categoryId;
  if (changes.goal !== undefined) set.goal = changes.goal;
  if (changes.goalFixed !== undefined) set.goal_fixed = changes.goalFixed ? 1 : 0;
  if (changes.closesAt !== undefined) set.closes_at = changes.closesAt ? iso(changes.closesAt) : null;
  if (changes.location !== undefined) {
    set.location_name = changes.location?.name ?? null;
    set.lat = changes.location?.lat ?? null;
    set.lon = changes.location?.lon ?? null;
  }
  if (Object.keys(set).length > 0) await db.updateTable('petitions').set(set).where('id', '=', id).execute();
  if (edits.length > 0) {
    await db
      .insertInto('petition_edits')
      .values(edits.map((e) => ({ petition_id: e.petitionId, user_id: e.userId, field: e.field, before: e.before, after: e.after, created_at: iso(e.createdAt), under_typo_rule: e.underTypoRule ? 1 : 0 })))
      .execute();
  }
}

export async function listEdits(db: Db, petitionId: number): Promise<PetitionEdit[]> {
  const rows = await db.selectFrom('petition_edits').selectAll().where('petition_id', '=', petitionId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, petitionId: r.petition_id, userId: r.user_id, field: r.field, before: r.before, after: r.after, createdAt: new Date(r.created_at), underTypoRule: Number(r.under_typo_rule) === 1 }));
}

export async function createLoginToken(
  db: Db,
  t: { userId: number; tokenHash: string; purpose: LoginPurpose; petitionId: number | null; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('login_tokens')
    .values({ user_id: t.userId, token_hash: t.tokenHash, purpose: t.purpose, petition_id: t.petitionId, created_at: iso(t.now), expires_at: iso(t.expiresAt), used_at: null })
    .execute();
}

/** Uses a magic link once: the update only matches an unused, unexpired token. */
export async function consumeLoginToken(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ userId: number; purpose: LoginPurpose; petitionId: number | null } | undefined> {
  const row = await db
    .updateTable('login_tokens')
    .set({ used_at: iso(now) })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', iso(now))
    .returning(['user_id', 'purpose', 'petition_id'])
    .executeTakeFirst();
  return row && { userId: row.user_id, purpose: row.purpose, petitionId: row.petition_id };
}

/** A secret made once and kept in the database, the same for every process and restart. */
export async function appSecret(db: Db, name: string, generate: () => string): Promise<string> {
  // Read first: the mail job asks every second, and on SQLite a write (even one that inserts
  // nothing) waits for the signing writer's commit with the main thread stopped.
  const existing = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.value;
  await db.insertInto('app_secrets').values({ name, value: generate() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

/** Turns off update mail for one signature; returns its petition id, or undefined when unknown. */
export async function withdrawConsent(db: Db, signatureId: number): Promise<number | undefined> {
  const row = await db.updateTable('signatures').set({ consent: 0 }).where('id', '=', signatureId).returning('petition_id').executeTakeFirst();
  return row?.petition_id;
}

export interface UpdateMailChunk {
  updateId: number;
  petitionId: number;
  petitionSlug: string;
  petitionTitle: string;
  type: string;
  text: string;
  url: string | null;
  recipients: Array<{ signatureId: number; email: string }>;
}

/** Whether any update waits to be mailed: a plain read, so the job can skip its write transaction. */
export async function hasQueuedUpdateMail(db: Db): Promise<boolean> {
  return (await db.selectFrom('updates').select('id').where('mail_state', '=', 'queued').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Takes the next chunk of recipients of an update that is still being mailed, and moves its cursor
 * past them. Run inside a transaction with the enqueueing of their mail, so a chunk is mailed once.
 */
export async function takeUpdateMailChunk(db: Db, engine: EngineName, limit: number): Promise<UpdateMailChunk | undefined> {
  let next = db.selectFrom('updates').select(['id', 'petition_id', 'type', 'text', 'url', 'mail_cursor']).where('mail_state', '=', 'queued').orderBy('id').limit(1);
  // Another process mailing the same update skips it rather than waiting: chunks are never sent twice.
  if (engine === 'postgres') next = next.forUpdate().skipLocked();
  const update = await next.executeTakeFirst();
  if (!update) return undefined;
  const petition = await db.selectFrom('petitions').select(['slug', 'title']).where('id', '=', update.petition_id).executeTakeFirstOrThrow();
  const recipients = await db
    .selectFrom('signatures')
    .select(['id', 'email'])
    .where('petition_id', '=', update.petition_id)
    .where('state', '=', 'confirmed')
    .where('consent', '=', 1)
    .where('id', '>', update.mail_cursor ?? 0)
    .orderBy('id')
    .limit(limit)
    .execute();
  const last = recipients[recipients.length - 1];
  await db
    .updateTable('updates')
    .set(recipients.length < limit ? { mail_state: 'done', mail_cursor: last?.id ?? update.mail_cursor } : { mail_cursor: last!.id })
    .where('id', '=', update.id)
    .execute();
  return {
    updateId: update.id,
    petitionId: update.petition_id,
    petitionSlug: petition.slug,
    petitionTitle: petition.title,
    type: update.type,
    text: update.text,
    url: update.url,
    recipients: recipients.map((r) => ({ signatureId: r.id, email: r.email })),
  };
}

export async function findUserById(db: Db, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Deletes up to `limit` petitions started before `createdBefore` and never confirmed (pending, no
 * verified_at; none a moderator acted on or anyone signed), with their links, edits and reports;
 * then the organisers they leave with nothing who never followed a link (an address nobody proved).
 */
export async function purgeUnverifiedPetitions(db: Db, createdBefore: Date, limit: number): Promise<{ petitions: number; organisers: number }> {
  const stale = await db
    .selectFrom('petitions as p')
    .select(['p.id', 'p.created_by'])
    .where('p.state', 'in', [...AWAITING_REVIEW])
    .where('p.verified_at', 'is', null)
    .where('p.created_at', '<', iso(createdBefore))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('moderation_actions as m').select('m.id').whereRef('m.petition_id', '=', 'p.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('signatures as s').select('s.id').whereRef('s.petition_id', '=', 'p.id'))))
    .orderBy('p.id')
    .limit(limit)
    .execute();
  if (stale.length === 0) return { petitions: 0, organisers: 0 };
  const ids = stale.map((r) => r.id);
  for (const table of ['login_tokens', 'petition_edits', 'updates', 'reports'] as const) await db.deleteFrom(table).where('petition_id', 'in', ids).execute();
  await db.deleteFrom('petitions').where('id', 'in', ids).execute();

  const creators = [...new Set(stale.flatMap((r) => (r.created_by === null ? [] : [r.created_by])))];
  if (creators.length === 0) return { petitions: ids.length, organisers: 0 };
  const gone = await db
    .deleteFrom('users as u')
    .where('u.id', 'in', creators)
    .where('u.role', '=', 'organiser')
    .where(({ not, exists, selectFrom, and }) =>
      and([
        not(exists(selectFrom('petitions as p').select('p.id').whereRef('p.created_by', '=', 'u.id'))),
        not(exists(selectFrom('campaigns as c').select('c.id').whereRef('c.created_by', '=', 'u.id'))),
        not(exists(selectFrom('petition_edits as e').select('e.id').whereRef('e.user_id', '=', 'u.id'))),
        not(exists(selectFrom('api_tokens as a').select('a.id').whereRef('a.user_id', '=', 'u.id'))),
        not(exists(selectFrom('login_tokens as t').select('t.id').whereRef('t.user_id', '=', 'u.id').where('t.used_at', 'is not', null))),
      ]),
    )
    .executeTakeFirst();
  return { petitions: ids.length, organisers: Number(gone.numDeletedRows) };
}
