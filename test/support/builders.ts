import type { Store } from '../../src/store/store.ts';
import type { NewPetition, Petition, SignatureToWrite } from '../../src/store/records.ts';
import { hashSecret } from '../../src/services/tokens.ts';
import type { PetitionState } from '../../src/domain/petition.ts';

let serial = 0;

/** One builder per petition state: tests say which state they start from. */
export function petitionInput(overrides: Partial<NewPetition> = {}): NewPetition {
  serial++;
  return {
    slug: `test-petition-${process.pid}-${serial}`,
    kind: 'petition',
    title: `Test petition ${serial}`,
    target: 'The Council',
    body: 'Please do the thing.',
    why: 'Because it matters.',
    categoryId: null,
    campaignId: null,
    location: null,
    state: 'open',
    goal: 100,
    goalFixed: false,
    createdBy: null,
    createdAt: new Date('2026-11-01T09:00:00Z'),
    closesAt: null,
    verifiedAt: new Date('2026-11-01T09:00:00Z'),
    listed: true,
    ...overrides,
  };
}

/**
 * A petition brought to a later state the way the app brings it there: created open or pending, then
 * moved through store.movePetition (the lifecycle's rules and dates), each move at its creation time.
 */
async function reached(store: Store, path: readonly [PetitionState, ...PetitionState[]], o: Partial<NewPetition>): Promise<Petition> {
  const input = petitionInput({ ...o, state: path[0] });
  const created = await store.createPetition(input);
  for (const to of path.slice(1)) {
    const moved = await store.movePetition(created.id, to, input.createdAt);
    if (!moved.ok) throw new Error(`builder: ${to} is not reachable along ${path.join(' → ')}`);
  }
  return (await store.findPetitionById(created.id))!;
}

export const openPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => store.createPetition(petitionInput(o));
export const pendingPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => store.createPetition(petitionInput({ state: 'pending', ...o }));
export const closedPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => reached(store, ['open', 'closed'], o);
export const wonPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => reached(store, ['open', 'won'], o);
export const hiddenPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => reached(store, ['open', 'hidden'], o);
export const rejectedPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => reached(store, ['pending', 'rejected'], { verifiedAt: null, listed: false, ...o });

/** The builder for each state, for tests that go through them all. */
export const petitionIn: Record<PetitionState, (store: Store, o?: Partial<NewPetition>) => Promise<Petition>> = {
  pending: pendingPetition, open: openPetition, closed: closedPetition, won: wonPetition, hidden: hiddenPetition, rejected: rejectedPetition,
};

/** A signature as the batcher would hand it over; `confirmed` signs at once (SIGNATURE_CONFIRMATION=none). */
export function signature(petitionId: number, n: number, o: Partial<SignatureToWrite> = {}): SignatureToWrite {
  return {
    petitionId,
    email: `signer-${n}@example.org`,
    name: `Signer ${n}`,
    postcode: null,
    country: null,
    consent: false,
    tokenHash: hashSecret(`token-${petitionId}-${n}-${o.email ?? ''}`),
    confirmed: true,
    ipHash: null,
    flag: null,
    consentVersion: 1,
    confirmationMail: null,
    ...o,
  };
}
