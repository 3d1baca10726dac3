import { petitionUpdateMail } from '../mail/petition-update.tsx';
import { unsubscribeKey, unsubscribeUrl } from '../services/unsubscribe.ts';
import type { Store } from '../store/store.ts';

export const UPDATE_MAIL_CHUNK = 500;

/**
 * Turns queued updates (and victories) into outbox mail, one chunk of consenting signers per
 * transaction: the chunk's mail and the cursor that moves past it commit together.
 * Returns how many mails it queued. Once `stopping()` says so (the process is stopping), it ends
 * after the chunk under way; the next process carries on from the cursor.
 */
export async function mailUpdateChunks(deps: { store: Store; clock: () => Date; baseUrl: string; stopping?: () => boolean }, maxChunks = 20): Promise<number> {
  // Nearly every tick finds nothing: ask with a read before taking the write lock (see claimDueMail).
  if (!(await deps.store.hasQueuedUpdateMail())) return 0;
  const key = await unsubscribeKey(deps.store);
  let queued = 0;
  for (let i = 0; i < maxChunks && !deps.stopping?.(); i++) {
    const count = await deps.store.transaction(async (tx) => {
      const chunk = await tx.takeUpdateMailChunk(UPDATE_MAIL_CHUNK);
      if (!chunk) return -1;
      const petitionUrl = `${deps.baseUrl}/petitions/${chunk.petitionSlug}`;
      const type = chunk.type === 'victory' ? 'victory' : 'update';
      await tx.enqueueMail(
        chunk.recipients.map((r) =>
          petitionUpdateMail({ to: r.email, type, petitionTitle: chunk.petitionTitle, petitionUrl, text: chunk.text, link: chunk.url, unsubscribeUrl: unsubscribeUrl(deps.baseUrl, key, r.signatureId) }),
        ),
        deps.clock(),
      );
      return chunk.recipients.length;
    });
    if (count < 0) break;
    queued += count;
  }
  return queued;
}
