import type { Store } from '../store/store.ts';
import { PETITION_LINK_HOURS } from '../services/magic-links.ts';

const CHUNK = 500;

/**
 * Deletes petitions started but not confirmed within their link's 24 hours: the link has run out, so
 * they can never go live, and they hold a stranger's words and perhaps someone else's address. The
 * organiser's account goes with them when it has nothing else and never followed a link.
 */
export async function purgeUnverifiedStarts(deps: { store: Store; clock: () => Date }): Promise<{ petitions: number; organisers: number }> {
  const startedBefore = new Date(deps.clock().getTime() - PETITION_LINK_HOURS * 3_600_000);
  const purged = { petitions: 0, organisers: 0 };
  // Chunks keep each transaction short after a flood of starts; the next tick goes on.
  for (let i = 0; i < 100; i++) {
    const n = await deps.store.purgeUnverifiedPetitions(startedBefore, CHUNK);
    purged.petitions += n.petitions;
    purged.organisers += n.organisers;
    if (n.petitions < CHUNK) break;
  }
  return purged;
}
