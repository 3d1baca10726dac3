import { AppError, validationError } from '../domain/errors.ts';
import { localPetitionTitle, type PetitionKind } from '../domain/petition.ts';
import { slugify } from '../domain/slug.ts';
import type { Petition, User } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';

export const DEFAULT_GOAL = 100;

/** Creates a petition from an API body (JSON), on behalf of `author`. */
export async function createPetition(ctx: ServiceContext, author: User, raw: Record<string, unknown>): Promise<Petition> {
  const now = ctx.clock();
  const f = new FieldReader(raw);
  const kind = f.oneOf<PetitionKind>('kind', ['petition', 'pledge'], 'petition', 'Kind');
  const target = f.text('target', { label: 'Target', max: 150, required: true });
  const givenTitle = f.text('title', { label: 'Title', max: 150 });
  const givenBody = f.text('body', { label: 'What it asks', max: 5000, multiline: true });
  const givenWhy = f.text('why', { label: 'Why it is important', max: 5000, multiline: true });
  const categoryName = f.text('category', { label: 'Category', max: 60 });
  const locationName = f.text('location', { label: 'Location', max: 120 });
  const goal = f.integer('goal', { label: 'Goal', min: 1, max: 100_000_000 });
  const closesAt = f.date('closesAt', { label: 'Closing date', mustFollow: now });
  const campaignSlug = f.text('campaign', { label: 'Campaign', max: 100 });

  const category = categoryName ? await ctx.store.findCategory(categoryName) : undefined;
  if (categoryName && !category) f.addError('category', `There is no category "${categoryName}". Choose one of the site's categories.`);
  const campaign = campaignSlug ? await findCampaign(ctx.store, campaignSlug) : undefined;
  if (campaignSlug && !campaign) f.addError('campaign', `There is no campaign "${campaignSlug}".`);

  // A local petition of a campaign takes the campaign's words unless it gives its own.
  const title = givenTitle ?? (campaign ? localPetitionTitle(campaign.title, target) : null);
  const body = givenBody ?? campaign?.body ?? null;
  const why = givenWhy ?? campaign?.why ?? null;
  if (!title) f.addError('title', 'Enter a title.');
  if (!body) f.addError('body', 'Enter what the petition asks.');
  if (!why) f.addError('why', 'Enter why it is important.');
  if (!f.ok || !title || !body || !why) throw validationError(f.errors);

  // An unknown place is saved by name, without coordinates: the page still says where.
  const place = locationName ? ctx.geocoder.geocode(locationName) : undefined;
  // An API token proves who the author is, so the petition is verified at once; moderation decides the rest.
  const admin = author.role === 'admin';
  const open = admin || ctx.config.moderation === 'post';
  return ctx.store.transaction(async (tx) =>
    tx.createPetition({
      slug: await freeSlug(tx, title),
      kind: campaign?.kind ?? kind,
      title,
      target,
      body,
      why,
      categoryId: category?.id ?? campaign?.categoryId ?? null,
      campaignId: campaign?.id ?? null,
      location: locationName ? { name: locationName, lat: place?.lat ?? null, lon: place?.lon ?? null } : null,
      state: open ? 'open' : 'pending',
      goal: goal ?? campaign?.goal ?? DEFAULT_GOAL,
      goalFixed: goal !== null,
      createdBy: author.id,
      createdAt: now,
      closesAt,
      verifiedAt: now,
      listed: admin,
    }),
  );
}

async function freeSlug(store: Store, title: string): Promise<string> {
  const base = slugify(title);
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await store.slugTaken(slug))) return slug;
  }
  throw new AppError('VALIDATION_FAILED', 'Could not find a free address for this title.');
}

// Campaigns arrive with their own issue; until then no campaign can be found.
async function findCampaign(
  _store: Store,
  _slug: string,
): Promise<{ id: number; title: string; body: string; why: string; kind: PetitionKind; categoryId: number | null; goal: number } | undefined> {
  return undefined;
}
