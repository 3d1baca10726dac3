import { validationError } from '../domain/errors.ts';
import type { Petition, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { readPetitionFields } from './petition-input.ts';
import { localPetition } from './campaign-petition.ts';
import type { ServiceContext } from './context.ts';
import { createPetitionAtFreeSlug } from './petition-slugs.ts';
import { PETITION_LIMITS } from '../domain/fields.ts';

export const DEFAULT_GOAL = 100;

/** Creates a petition from an API body (JSON), on behalf of `author`; with `campaign`, a local petition of it. */
export async function createPetition(ctx: ServiceContext, author: User, raw: Record<string, unknown>): Promise<Petition> {
  const now = ctx.clock();
  const f = new FieldReader(raw);
  const fields = await readPetitionFields(ctx, f, { unknownPlace: 'save' });
  const { target, category, location, goal, closesAt } = fields;
  const campaignSlug = f.text('campaign', { label: 'Campaign', max: PETITION_LIMITS.campaign });
  const campaign = campaignSlug ? await ctx.store.findCampaignBySlug(campaignSlug) : undefined;
  if (campaignSlug && !campaign) f.addError('campaign', `There is no campaign "${campaignSlug}".`);

  const local = campaign ? localPetition(campaign, fields, raw, f) : null;
  const title = local?.title ?? fields.title;
  const body = local?.body ?? fields.body;
  const why = local?.why ?? fields.why;
  // An unknown campaign is the one mistake to report: asking for the words it would have given is noise.
  if (!campaignSlug) {
    if (!title) f.addError('title', 'Enter a title.');
    if (!body) f.addError('body', 'Enter what the petition asks.');
    if (!why) f.addError('why', 'Enter why it is important.');
  }
  if (!f.ok || !title || !body || !why) throw validationError(f.errors);

  // An API token proves who the author is, so the petition is verified at once; moderation decides the rest.
  const admin = author.role === 'admin';
  const open = admin || ctx.config.moderation === 'post';
  return ctx.store.transaction(async (tx) =>
    createPetitionAtFreeSlug(tx, {
      kind: local?.kind ?? fields.kind,
      title,
      target,
      body,
      why,
      categoryId: local ? local.categoryId : (category?.id ?? null),
      campaignId: campaign?.id ?? null,
      // An unknown place is kept by name, without coordinates: the page still says where.
      location,
      state: open ? 'open' : 'pending',
      goal: local?.goal ?? goal ?? DEFAULT_GOAL,
      goalFixed: local ? local.goalFixed : goal !== null,
      createdBy: author.id,
      createdAt: now,
      closesAt,
      verifiedAt: now,
      listed: admin,
    }),
  );
}
