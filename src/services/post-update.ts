import { AppError, petitionNotFound, validationError } from '../domain/errors.ts';
import { ACCEPTS_UPDATES, canManage } from '../domain/petition.ts';
import type { PetitionUpdate, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { UPDATE_LIMITS } from '../domain/fields.ts';

/** The petition's organiser posts an update; consenting signers get it by mail. */
export async function postUpdate(ctx: ServiceContext, author: User, slug: string, raw: Record<string, unknown>): Promise<PetitionUpdate> {
  const petition = await ctx.store.findPetitionBySlug(slug);
  if (!petition) throw petitionNotFound();
  if (!canManage(author, petition)) throw new AppError('FORBIDDEN', 'Only the petition’s organiser can post updates.');
  if (!ACCEPTS_UPDATES.has(petition.state)) throw new AppError('PETITION_CLOSED', 'This petition does not take updates in its current state.');
  const f = new FieldReader(raw);
  const text = f.text('text', { label: 'Update', max: UPDATE_LIMITS.text, required: true, multiline: true });
  const url = f.url('url', { label: 'Link', max: UPDATE_LIMITS.url });
  if (!f.ok) throw validationError(f.errors);

  // The mail-updates job sends it to consenting signers in chunks, so a huge petition's update
  // never becomes one giant transaction.
  return ctx.store.addUpdate({ petitionId: petition.id, type: 'update', text, url, createdAt: ctx.clock(), mailSigners: true });
}
