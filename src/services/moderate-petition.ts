import { AppError, petitionNotFound, validationError } from '../domain/errors.ts';
import { decide, NEEDS_REASON, reviewedPetition, TAKES_NOTE, type ModerationDecision } from '../domain/moderation.ts';
import { AWAITING_REVIEW } from '../domain/petition.ts';
import { isStaffRole } from '../domain/staff.ts';
import { moderationDecisionMail } from '../mail/moderation-decision.tsx';
import type { Petition, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { petitionUrl, type ServiceContext } from './context.ts';
import { MODERATION_REASON_MAX } from '../domain/fields.ts';

const PAST: Record<ModerationDecision, string> = { approve: 'approved', hide: 'hidden', reject: 'rejected', restore: 'restored' };

export function requireModerator(user: User): void {
  if (!isStaffRole(user.role)) throw new AppError('FORBIDDEN', 'Only moderators and administrators can do that.');
}

async function petitionOr404(ctx: ServiceContext, slug: string): Promise<Petition> {
  const petition = await ctx.store.findPetitionBySlug(slug);
  if (!petition) throw petitionNotFound();
  return petition;
}

/**
 * A moderator approves, hides or rejects a petition. In one transaction: the state moves (only
 * from the state the moderator saw), open reports close, the audit log gets a row, and the
 * organiser's mail joins the outbox. Hiding and rejecting need a reason; hiding shows it publicly.
 */
export async function moderatePetition(ctx: ServiceContext, moderator: User, slug: string, decision: ModerationDecision, raw: Record<string, unknown>): Promise<Petition> {
  requireModerator(moderator);
  const petition = await petitionOr404(ctx, slug);
  const f = new FieldReader(raw);
  const reason =
    NEEDS_REASON.has(decision) || TAKES_NOTE.has(decision)
      ? f.text('reason', { label: NEEDS_REASON.has(decision) ? 'The reason' : 'The note', max: MODERATION_REASON_MAX, required: NEEDS_REASON.has(decision), multiline: true })
      : null;
  if (!f.ok) throw validationError(f.errors);
  const move = decide(reviewedPetition(petition), decision);
  if (!move.ok) throw new AppError('CONFLICT', `This ${petition.kind} is ${petition.state}, so it cannot be ${PAST[decision]}.`);

  const now = ctx.clock();
  const organiser = petition.createdBy !== null ? await ctx.store.findUserById(petition.createdBy) : undefined;
  // The organiser hears of a take-down or refusal, and of approval only when it makes the petition live.
  const tellOrganiser = organiser && (decision !== 'approve' || AWAITING_REVIEW.has(petition.state));
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.applyModerationDecision(petition.id, petition.state, move.value, now))) {
      throw new AppError('CONFLICT', 'Someone has just changed this petition. Reload the page to see it as it is now.');
    }
    await tx.resolveReports(petition.id, decision === 'approve' ? 'dismissed' : 'actioned', moderator.id, now);
    await tx.recordModerationAction({ userId: moderator.id, petitionId: petition.id, action: decision, reason, at: now });
    if (tellOrganiser) {
      const mail = moderationDecisionMail({ to: organiser.email, decision, kind: petition.kind, petitionTitle: petition.title, petitionUrl: petitionUrl(ctx, petition.slug), reason });
      await tx.enqueueMail([mail], now);
    }
  });
  return (await ctx.store.findPetitionBySlug(slug))!;
}

/** The reports were looked at and nothing needs doing: they close, and the audit log says who closed them. */
export async function dismissReports(ctx: ServiceContext, moderator: User, slug: string, raw: Record<string, unknown>): Promise<number> {
  requireModerator(moderator);
  const petition = await petitionOr404(ctx, slug);
  const f = new FieldReader(raw);
  const note = f.text('note', { label: 'The note', max: MODERATION_REASON_MAX, multiline: true });
  if (!f.ok) throw validationError(f.errors);
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const dismissed = await tx.resolveReports(petition.id, 'dismissed', moderator.id, now);
    if (dismissed === 0) throw new AppError('CONFLICT', 'This petition has no open reports: someone may have just dealt with them.');
    await tx.recordModerationAction({ userId: moderator.id, petitionId: petition.id, action: 'dismiss-reports', reason: note ?? `${dismissed} report${dismissed === 1 ? '' : 's'} dismissed`, at: now });
    return dismissed;
  });
}
