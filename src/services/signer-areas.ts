import { areaTotals, type AreaTotal } from '../domain/areas.ts';
import type { Store } from '../store/store.ts';
import { TtlCache } from './ttl-cache.ts';

export interface SignerAreas {
  areas: AreaTotal[];
  /** Signatures in areas under the privacy floor, or with no area we can read. */
  other: number;
}

/** How long area totals are reused: they move slowly, and counting them scans the petition's signatures. */
const AREAS_TTL_MS = 60_000;

/**
 * Signers by area (domain/areas.ts), counted at most once a minute per petition per process.
 * The petition page is rebuilt after every commit; without this each rebuild of a viral petition's
 * page would group all of its signatures again.
 */
export class SignerAreasCache {
  private readonly cache = new TtlCache<SignerAreas>(AREAS_TTL_MS, 1000);

  constructor(private readonly store: Pick<Store, 'signaturePlaces'>) {}

  of(petitionId: number): Promise<SignerAreas> {
    return this.cache.get(String(petitionId), async () => areaTotals(await this.store.signaturePlaces(petitionId)));
  }
}
