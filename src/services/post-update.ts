import { AppError, validationError } from '../domain/errors.ts';
import { ACCEPTS_UPDATES } from '../domain/petition.ts';
import { petitionUpdateMail } from '../mail/petition-update.tsx';
import type { PetitionUpdate, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { petitionUrl, type ServiceContext } from './context.ts';

/** The petition's creator or an administrator posts an update; consenting signers get it by mail. */
export async function postUpdate(ctx: ServiceContext, author: User, slug: string, raw: Record<string, unknown>): Promise<PetitionUpdate> {
  const petition = await ctx.store.findPetitionBySlug(slug);
  if (!petition) throw new AppError('NOT_FOUND', 'There is no petition at this address.');
  if (author.role !== 'admin' && petition.createdBy !== author.id) throw new AppError('FORBIDDEN', 'Only the petition’s organiser can post updates.');
  if (!ACCEPTS_UPDATES.has(petition.state)) throw new AppError('PETITION_CLOSED', 'This petition does not take updates in its current state.');
  const f = new FieldReader(raw);
  const text = f.text('text', { label: 'Update', max: 5000, required: true, multiline: true });
  const url = f.url('url', { label: 'Link', max: 2000 });
  if (!f.ok) throw validationError(f.errors);

  const now = ctx.clock();
  // The update and every mail it causes are written together, or not at all.
  return ctx.store.transaction(async (tx) => {
    const update = await tx.addUpdate({ petitionId: petition.id, type: 'update', text, url, createdAt: now });
    const recipients = await tx.consentingSignerEmails(petition.id);
    const link = petitionUrl(ctx, petition.slug);
    await tx.enqueueMail(
      recipients.map((to) => petitionUpdateMail({ to, petitionTitle: petition.title, petitionUrl: link, text, link: url })),
      now,
    );
    return update;
  });
}
