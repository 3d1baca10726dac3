import { AppError, validationError } from '../domain/errors.ts';
import { magicLinkMail } from '../mail/magic-link.tsx';
import type { LoginPurpose } from '../store/schema.ts';
import type { Petition, User } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { FieldReader } from './field-reader.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { isUnverifiedSlug } from '../domain/slug.ts';
import { moveToReadableSlug } from './petition-slugs.ts';
import type { ServiceContext } from './context.ts';

/** A start's confirmation link lives this long; a start still unconfirmed then is deleted (purge-unverified-starts.ts). */
export const PETITION_LINK_HOURS = 24;
const VALID_HOURS: Record<LoginPurpose, number> = { 'verify-petition': PETITION_LINK_HOURS, 'sign-in': 1 };

/** Issues a single-use link and queues its mail, inside the caller's transaction. */
export async function issueMagicLink(
  ctx: ServiceContext,
  tx: Store,
  user: User,
  purpose: LoginPurpose,
  petition: Petition | null,
): Promise<void> {
  const token = newSecret();
  const now = ctx.clock();
  const hours = VALID_HOURS[purpose];
  await tx.createLoginToken({ userId: user.id, tokenHash: hashSecret(token), purpose, petitionId: petition?.id ?? null, now, expiresAt: new Date(now.getTime() + hours * 3_600_000) });
  await tx.enqueueMail([magicLinkMail({ to: user.email, link: `${ctx.config.baseUrl}/auth/${token}`, petitionTitle: petition?.title ?? null, validForHours: hours })], now);
}

/** "Email me a sign-in link": the same answer whether or not the address has an account. */
export async function requestSignIn(ctx: ServiceContext, raw: Record<string, unknown>): Promise<void> {
  const f = new FieldReader(raw);
  const email = f.email('email', { label: 'Your email address' });
  if (!f.ok) throw validationError(f.errors);
  const user = await ctx.store.findUserByEmail(email);
  if (user) await ctx.store.transaction((tx) => issueMagicLink(ctx, tx, user, 'sign-in', null));
}

export interface MagicLinkResult {
  user: User;
  /** The petition this link confirmed, if it confirmed one. */
  petition: Petition | undefined;
}

/**
 * Uses a magic link (once, before it expires). A petition's first link also verifies it: it opens
 * at once (unlisted until reviewed) under post-moderation, or waits for review under pre-moderation.
 */
export async function useMagicLink(ctx: ServiceContext, token: string): Promise<MagicLinkResult> {
  const now = ctx.clock();
  const invalid = new AppError('NOT_FOUND', 'This link has expired or has already been used. Ask for a new one from the sign-in page.');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw invalid;
  return ctx.store.transaction(async (tx) => {
    const used = await tx.consumeLoginToken(hashSecret(token), now);
    if (!used) throw invalid;
    const user = await tx.findUserById(used.userId);
    if (!user) throw invalid;
    if (used.purpose !== 'verify-petition' || used.petitionId === null) return { user, petition: undefined };
    const petition = (await tx.listPetitionsByCreator(user.id)).find((p) => p.id === used.petitionId);
    if (petition && petition.verifiedAt === null) {
      const verified = await tx.verifyPetition(petition.id, now);
      // Post-moderation: live at once (unlisted until reviewed); pre-moderation: it waits for a moderator.
      if (verified && ctx.config.moderation === 'post') await tx.movePetition(petition.id, 'open', now);
      // Its readable address is given now, not when it was started: unconfirmed starts hold none (decision 0031).
      if (verified && isUnverifiedSlug(petition.slug)) await moveToReadableSlug(tx, petition);
    }
    return { user, petition: petition && (await tx.findPetitionById(petition.id)) };
  });
}
