import { AppError } from '../domain/errors.ts';
import { isAdministrator } from '../domain/staff.ts';
import type { User } from '../store/records.ts';
import type { ServiceContext } from './context.ts';

/**
 * Ends every signed-in browser of one staff member: a lost laptop, a moderator who leaves. Anyone
 * may end their own; administrators may end anyone's. Recorded in the audit log with the count.
 */
export async function endStaffSessions(ctx: ServiceContext, actor: User, targetId: number): Promise<number> {
  if (targetId !== actor.id && !isAdministrator(actor.role)) throw new AppError('FORBIDDEN', 'Only administrators can end someone else’s sessions.');
  const staff = await ctx.store.listStaff(ctx.clock());
  const target = staff.find((s) => s.user.id === targetId);
  if (!target) throw new AppError('NOT_FOUND', 'There is no staff member with this id.');
  const now = ctx.clock();
  return ctx.store.transaction(async (tx) => {
    const ended = await tx.endStaffSessionsOf(targetId, now);
    await tx.recordModerationAction({ userId: actor.id, petitionId: null, action: 'end-sessions', reason: `${target.user.email}: ${ended} session${ended === 1 ? '' : 's'} ended`, at: now });
    return ended;
  });
}
