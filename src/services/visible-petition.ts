import { petitionNotFound } from '../domain/errors.ts';
import { PUBLICLY_VISIBLE } from '../domain/petition.ts';
import type { Petition } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** Whether anybody may see this petition (its page, count, images, API document, live count). */
export const isPubliclyVisible = (petition: Petition | undefined): petition is Petition => petition !== undefined && PUBLICLY_VISIBLE.has(petition.state);

/**
 * A petition anybody may see, read from the store itself, or 404 revealing nothing of it (not even
 * that it exists). Reads that may be a second old go through web/public-reads.ts instead, which
 * applies the same rule (decisions 0033, 0040).
 */
export async function requireVisible(store: Pick<Store, 'findPetitionBySlug'>, slug: string): Promise<Petition> {
  const petition = await store.findPetitionBySlug(slug);
  if (!isPubliclyVisible(petition)) throw petitionNotFound();
  return petition;
}
