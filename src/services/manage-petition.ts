import { AppError, validationError } from '../domain/errors.ts';
import { isTypoFix, wordsAsSigned } from '../domain/edits.ts';
import { CLOSABLE, WINNABLE } from '../domain/petition.ts';
import type { Petition, PetitionEdit, PetitionFieldChanges, PetitionUpdate, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { readPetitionFields } from './petition-input.ts';
import type { ServiceContext } from './context.ts';
import { UPDATE_LIMITS } from '../domain/fields.ts';

const WORDS = ['title', 'target', 'body', 'why'] as const;
const LABEL: Record<(typeof WORDS)[number], string> = { title: 'Title', target: 'Who it is addressed to', body: 'What it asks', why: 'Why it is important' };

/**
 * Edits a petition. Before anyone signs, everything may change. After, the words take only
 * typo-level fixes (signers keep what they signed), the goal may not fall below the count, and
 * every change is recorded.
 */
export async function editPetition(ctx: ServiceContext, user: User, petition: Petition, raw: Record<string, unknown>): Promise<Petition> {
  const now = ctx.clock();
  const f = new FieldReader({ kind: petition.kind, ...raw });
  const unknownPlace = f.flag('locationWithoutMap') ? 'save' : 'ask';
  const fields = await readPetitionFields(ctx, f, { unknownPlace, savedLocation: petition.location });
  const signed = petition.signatureCount > 0;
  const changes: PetitionFieldChanges = {};
  const edits: Omit<PetitionEdit, 'id'>[] = [];
  const record = (field: string, before: string, after: string) =>
    edits.push({ petitionId: petition.id, userId: user.id, field, before, after, createdAt: now, underTypoRule: signed });
  const history = signed ? await ctx.store.listEdits(petition.id) : [];

  for (const field of WORDS) {
    const after = fields[field];
    const before = petition[field];
    if (after === null) {
      f.addError(field, `Enter ${LABEL[field].toLowerCase()}.`);
      continue;
    }
    if (after === before) continue;
    if (signed && !isTypoFix(wordsAsSigned(history, field, before), after)) {
      f.addError(field, `${LABEL[field]}: people have signed, so only small corrections (typos) to the words they signed are allowed now.`);
      continue;
    }
    changes[field] = after;
    record(field, before, after);
  }
  const categoryId = fields.category?.id ?? null;
  if (categoryId !== (petition.category?.id ?? null)) {
    changes.categoryId = categoryId;
    record('category', petition.category?.name ?? '', fields.category?.name ?? '');
  }
  if ((fields.location?.name ?? null) !== (petition.location?.name ?? null)) {
    if (signed) f.addError('location', 'People have signed, so the location can no longer change.');
    else {
      changes.location = fields.location;
      record('location', petition.location?.name ?? '', fields.location?.name ?? '');
    }
  }
  if (fields.goal !== null && fields.goal !== petition.goal) {
    if (fields.goal <= petition.signatureCount) f.addError('goal', `The goal must be above the current count (${petition.signatureCount}).`);
    else {
      changes.goal = fields.goal;
      changes.goalFixed = true;
      record('goal', String(petition.goal), String(fields.goal));
    }
  }
  const closesBefore = petition.closesAt?.toISOString() ?? '';
  const closesAfter = fields.closesAt?.toISOString() ?? '';
  if (closesAfter !== closesBefore && !f.errors.closesAt) {
    changes.closesAt = fields.closesAt;
    record('closesAt', closesBefore, closesAfter);
  }
  if (!f.ok) throw validationError(f.errors);
  await ctx.store.changePetitionFields(petition.id, changes, edits);
  return (await ctx.store.findPetitionBySlug(petition.slug))!;
}

/** The organiser closes the petition before its deadline. */
export async function closePetition(ctx: ServiceContext, petition: Petition): Promise<void> {
  if (!(await ctx.store.movePetition(petition.id, 'closed', ctx.clock(), { from: CLOSABLE })).ok) {
    throw new AppError('PETITION_CLOSED', 'Only an open petition can be closed.');
  }
}

/** Victory: the petition is won, the message joins the timeline and goes to consenting signers. */
export async function declareVictory(ctx: ServiceContext, petition: Petition, raw: Record<string, unknown>): Promise<PetitionUpdate> {
  const f = new FieldReader(raw);
  const text = f.text('text', { label: 'Your victory message', max: UPDATE_LIMITS.text, required: true, multiline: true });
  const url = f.url('url', { label: 'Link', max: UPDATE_LIMITS.url });
  if (!f.ok) throw validationError(f.errors);
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.movePetition(petition.id, 'won', now, { from: WINNABLE })).ok) {
      throw new AppError('PETITION_CLOSED', 'Only an open or closed petition can be declared won.');
    }
    return tx.addUpdate({ petitionId: petition.id, type: 'victory', text, url, createdAt: now, mailSigners: true });
  });
}
