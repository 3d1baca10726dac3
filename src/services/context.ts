import type { Store } from '../store/store.ts';
import type { SigningBatcher } from '../signing/batcher.ts';
import type { Geocoder } from '../geo/gazetteer.ts';
import type { Config } from '../config.ts';
import type { SignerScreening } from './signer-screening.ts';
import type { PetitionLookup } from './petition-lookup.ts';

/** What every use case may be handed: interfaces and a clock, never an engine. */
export interface ServiceContext {
  store: Store;
  batcher: SigningBatcher;
  geocoder: Geocoder;
  /** Address hashing, signing limits and alerts, applied to every signature. */
  screening: SignerScreening;
  /** Petitions by slug, cached for a second, for the signing path only. */
  petitionsForSigning: PetitionLookup;
  clock: () => Date;
  config: Pick<Config, 'baseUrl' | 'signatureConfirmation' | 'moderation'>;
}

export const petitionUrl = (ctx: Pick<ServiceContext, 'config'>, slug: string): string => `${ctx.config.baseUrl}/petitions/${slug}`;
