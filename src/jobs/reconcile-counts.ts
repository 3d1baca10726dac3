import type { Store } from '../store/store.ts';
import { PUBLICLY_VISIBLE } from '../domain/petition.ts';

/** Counts still move (or may be read) in these states; anonymised old petitions keep theirs as they are. */
const RECONCILED = [...PUBLICLY_VISIBLE];

export interface ReconcileLogger {
  warn(obj: unknown, msg?: string): void;
}

/**
 * Recomputes each petition's count from its signatures and repairs drift, logging each repair.
 * Drift should never happen (counts move in the same transaction as the rows); this job is how we
 * would find out, and how a count hand-edited in the database is put right.
 */
export async function reconcileCounts(deps: { store: Store; logger: ReconcileLogger }): Promise<Array<{ slug: string; before: number; after: number }>> {
  const repaired = await deps.store.reconcileCounts(RECONCILED);
  for (const r of repaired) deps.logger.warn({ petition: r.slug, before: r.before, after: r.after }, 'count drift repaired');
  return repaired;
}
