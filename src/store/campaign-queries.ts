import type { Kysely, Selectable } from 'kysely';
import type { CampaignTable, Database } from './schema.ts';
import { LOCKABLE_FIELDS, type Campaign, type LockableField, type NewCampaign, type Petition } from './records.ts';
import { selectPetitions, toPetition } from './petition-queries.ts';
import { PUBLICLY_VISIBLE } from '../domain/petition.ts';

type Db = Kysely<Database>;

type CampaignRow = Selectable<CampaignTable> & { category_slug: string | null; category_name: string | null };

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  slug: r.slug,
  kind: r.kind,
  title: r.title,
  body: r.body,
  why: r.why,
  category: r.category_id !== null && r.category_slug !== null ? { id: r.category_id, slug: r.category_slug, name: r.category_name ?? '' } : null,
  goal: r.goal,
  lockedFields: (JSON.parse(r.locked_fields) as string[]).filter((f): f is LockableField => (LOCKABLE_FIELDS as readonly string[]).includes(f)),
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
});

export async function findCampaignBySlug(db: Db, slug: string): Promise<Campaign | undefined> {
  const row = await db
    .selectFrom('campaigns as k')
    .leftJoin('categories as c', 'c.id', 'k.category_id')
    .selectAll('k')
    .select(['c.slug as category_slug', 'c.name as category_name'])
    .where('k.slug', '=', slug)
    .executeTakeFirst();
  return row && toCampaign(row);
}

export async function campaignSlugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.selectFrom('campaigns').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

const campaignValues = (c: NewCampaign) => ({
  slug: c.slug,
  kind: c.kind,
  title: c.title,
  body: c.body,
  why: c.why,
  category_id: c.categoryId,
  goal: c.goal,
  locked_fields: JSON.stringify(c.lockedFields),
  created_by: c.createdBy,
  created_at: c.createdAt.toISOString(),
});

export async function createCampaign(db: Db, c: NewCampaign): Promise<Campaign> {
  await db.insertInto('campaigns').values(campaignValues(c)).execute();
  return (await findCampaignBySlug(db, c.slug))!;
}

/** Inserts the campaign unless its slug is taken (then nothing is written). */
export async function createCampaignIfSlugFree(db: Db, c: NewCampaign): Promise<Campaign | undefined> {
  const row = await db.insertInto('campaigns').values(campaignValues(c)).onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
  return row && findCampaignBySlug(db, c.slug);
}

/** A campaign's standing: its listed local petitions (the leaderboard) and the sums over all public ones. */
export interface CampaignTally {
  /** Listed local petitions, most signed first. */
  petitions: Petition[];
  /** Signatures of every publicly visible local petition. */
  total: number;
  /** Their goals added up: the campaign's progress is measured against it. */
  goal: number;
}

export async function campaignPetitions(db: Db, campaignId: number): Promise<CampaignTally> {
  const rows = await selectPetitions(db)
    .where('p.campaign_id', '=', campaignId)
    .where('p.state', 'in', [...PUBLICLY_VISIBLE])
    .orderBy('p.signature_count', 'desc')
    .orderBy('p.id')
    .execute();
  const all = rows.map(toPetition);
  // Unlisted ones (waiting for review) count towards the sums but are not shown in the list.
  return {
    petitions: all.filter((p) => p.listed),
    total: all.reduce((n, p) => n + p.signatureCount, 0),
    goal: all.reduce((n, p) => n + p.goal, 0),
  };
}
