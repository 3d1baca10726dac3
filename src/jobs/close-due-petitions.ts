import type { Store } from '../store/store.ts';

/** Closes every open petition whose deadline has passed. Idempotent: run it as often as you like. */
export const closeDuePetitions = (deps: { store: Store; clock: () => Date }): Promise<number[]> => deps.store.closeDuePetitions(deps.clock());
