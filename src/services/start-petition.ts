import { validationError } from '../domain/errors.ts';
import type { Campaign, Petition } from '../store/records.ts';
import { localPetition } from './campaign-petition.ts';
import { FieldReader } from './field-reader.ts';
import { readPetitionFields } from './petition-input.ts';
import { DEFAULT_GOAL } from './create-petition.ts';
import { createUnverifiedPetition } from './petition-slugs.ts';
import { issueMagicLink } from './magic-links.ts';
import type { ServiceContext } from './context.ts';
import { PETITION_LIMITS } from '../domain/fields.ts';

/**
 * Anyone starts a petition without an account: it is saved unverified (invisible) and the organiser
 * gets a magic link. Following it proves the address, opens the petition and signs them in.
 */
export async function startPetition(ctx: ServiceContext, raw: Record<string, unknown>, campaign?: Campaign): Promise<Petition> {
  const now = ctx.clock();
  const f = new FieldReader(raw);
  const unknownPlace = f.flag('locationWithoutMap') ? 'save' : 'ask';
  const fields = await readPetitionFields(ctx, f, { unknownPlace });
  // A local petition of a campaign takes its words from the campaign: the organiser gives target and place.
  const local = campaign ? localPetition(campaign, fields, raw, f) : null;
  const title = local?.title ?? fields.title;
  const body = local?.body ?? fields.body;
  const why = local?.why ?? fields.why;
  if (!title) f.addError('title', 'Enter a title.');
  if (!body) f.addError('body', 'Enter what it asks.');
  if (!why) f.addError('why', 'Enter why it is important.');
  const name = f.text('organiserName', { label: 'Your name', max: PETITION_LIMITS.organiserName, required: true });
  const address = f.email('organiserEmail', { label: 'Your email address' });
  if (!f.ok || !title || !body || !why) throw validationError(f.errors);

  return ctx.store.transaction(async (tx) => {
    const existing = await tx.findUserByEmail(address);
    // An existing account keeps its role: starting a petition never demotes an administrator.
    const user = existing ?? (await tx.upsertUser({ email: address, role: 'organiser', passwordHash: null, now, name }));
    // No readable slug yet: starts nobody confirms must not take a title's address (it is given on confirmation).
    const petition = await createUnverifiedPetition(tx, {
      kind: local?.kind ?? fields.kind,
      title,
      target: fields.target,
      body,
      why,
      categoryId: local ? local.categoryId : (fields.category?.id ?? null),
      campaignId: campaign?.id ?? null,
      location: fields.location,
      state: 'pending',
      goal: local?.goal ?? fields.goal ?? DEFAULT_GOAL,
      goalFixed: local ? local.goalFixed : fields.goal !== null,
      createdBy: user.id,
      createdAt: now,
      closesAt: fields.closesAt,
      verifiedAt: null,
      listed: false,
    });
    await issueMagicLink(ctx, tx, user, 'verify-petition', petition);
    return petition;
  });
}
