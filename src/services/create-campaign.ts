import { validationError } from '../domain/errors.ts';
import type { PetitionKind } from '../domain/petition.ts';
import { LOCKABLE_FIELDS, type Campaign, type LockableField, type User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { GOAL_RANGE, PETITION_LIMITS } from '../domain/fields.ts';
import { DEFAULT_GOAL } from './create-petition.ts';
import type { ServiceContext } from './context.ts';
import { createCampaignAtFreeSlug } from './petition-slugs.ts';

/** Which fields local petitions may not change: a JSON list, or a form's comma-separated or repeated values. */
function readLockedFields(f: FieldReader, raw: unknown): LockableField[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!values || values.some((v) => typeof v !== 'string')) {
    f.addError('lockedFields', `Locked fields must be a list of: ${LOCKABLE_FIELDS.join(', ')}.`);
    return [];
  }
  const names = values.map((v: string) => v.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(LOCKABLE_FIELDS as readonly string[]).includes(n));
  if (unknown.length > 0) f.addError('lockedFields', `These cannot be locked: ${unknown.join(', ')}. Choose from: ${LOCKABLE_FIELDS.join(', ')}.`);
  return [...new Set(names)].filter((n): n is LockableField => (LOCKABLE_FIELDS as readonly string[]).includes(n));
}

/** Starts a campaign: the words, kind, category and goal its local petitions take. */
export async function createCampaign(ctx: ServiceContext, author: User, raw: Record<string, unknown>): Promise<Campaign> {
  const f = new FieldReader(raw);
  const title = f.text('title', { label: 'Title', max: PETITION_LIMITS.title, required: true });
  const body = f.text('body', { label: 'What it asks', max: PETITION_LIMITS.body, multiline: true, required: true });
  const why = f.text('why', { label: 'Why it is important', max: PETITION_LIMITS.why, multiline: true, required: true });
  const kind = f.oneOf<PetitionKind>('kind', ['petition', 'pledge'], 'petition', 'Kind');
  const categoryName = f.text('category', { label: 'Category', max: PETITION_LIMITS.category });
  const goal = f.integer('goal', { label: 'Goal', ...GOAL_RANGE });
  const lockedFields = readLockedFields(f, raw.lockedFields);
  const category = categoryName ? ((await ctx.store.findCategory(categoryName)) ?? null) : null;
  if (categoryName && !category) f.addError('category', `There is no category “${categoryName}”. Choose one from the list.`);
  if (!f.ok) throw validationError(f.errors);

  return ctx.store.transaction(async (tx) =>
    createCampaignAtFreeSlug(tx, {
      kind,
      title,
      body,
      why,
      categoryId: category?.id ?? null,
      goal: goal ?? DEFAULT_GOAL,
      lockedFields,
      createdBy: author.id,
      createdAt: ctx.clock(),
    }),
  );
}
