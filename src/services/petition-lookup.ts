import { performance } from 'node:perf_hooks';
import type { Petition } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/**
 * Petitions by slug for the signing path, kept for a second and looked up once however many
 * requests ask at the same moment. A viral petition takes thousands of signatures a second; without
 * this each one would queue for the database just to read the same row. Staleness is harmless: the
 * signing batch re-reads each petition's state inside its transaction before writing.
 */
export class PetitionLookup {
  private entries = new Map<string, { at: number; petition: Promise<Petition | undefined> }>();

  constructor(
    private readonly store: Pick<Store, 'findPetitionBySlug'>,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  find(slug: string): Promise<Petition | undefined> {
    const now = performance.now(); // monotonic: tests fix the wall clock
    const cached = this.entries.get(slug);
    if (cached && now - cached.at < this.ttlMs) return cached.petition;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const petition = this.store.findPetitionBySlug(slug);
    this.entries.set(slug, { at: now, petition });
    // A failed lookup is not remembered.
    petition.catch(() => this.entries.delete(slug));
    return petition;
  }
}
