import type { Petition } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * Petitions by slug for the signing path, kept for a second and looked up once however many
 * requests ask at the same moment. A viral petition takes thousands of signatures a second; without
 * this each one would queue for the database just to read the same row. Staleness is harmless: the
 * signing batch re-reads each petition's state inside its transaction before writing.
 */
export class PetitionLookup {
  private readonly cache = new TtlCache<Petition | undefined>(1000);

  constructor(private readonly store: Pick<Store, 'findPetitionBySlug'>) {}

  find(slug: string): Promise<Petition | undefined> {
    return this.cache.get(slug, () => this.store.findPetitionBySlug(slug));
  }

  /** After a write that may change a petition's state here (other processes catch up within the second). */
  forgetAll(): void {
    this.cache.clear();
  }
}
