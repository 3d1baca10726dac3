import type { Store } from '../../src/store/store.ts';
import type { NewPetition, Petition, SignatureToWrite } from '../../src/store/records.ts';
import { hashSecret } from '../../src/services/tokens.ts';

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

export const openPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => store.createPetition(petitionInput(o));
export const closedPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => store.createPetition(petitionInput({ state: 'closed', ...o }));
export const pendingPetition = (store: Store, o: Partial<NewPetition> = {}): Promise<Petition> => store.createPetition(petitionInput({ state: 'pending', ...o }));

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
