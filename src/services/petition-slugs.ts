import { randomBytes } from 'node:crypto';
import { SLUG_SUFFIX_LENGTH, SLUG_SUFFIX_TRIES, slugCandidates, unverifiedSlug } from '../domain/slug.ts';
import type { Campaign, NewCampaign, NewPetition, Petition } from '../store/records.ts';
import type { Store } from '../store/store.ts';

const candidates = (title: string, fallback: string): string[] =>
  slugCandidates(title, Array.from({ length: SLUG_SUFFIX_TRIES }, () => randomBytes(SLUG_SUFFIX_LENGTH)), fallback);

/** Reached only if every random suffix was taken: not a mistake the person can mend, so not a 422. */
const noFreeSlug = (title: string) => new Error(`No free slug for "${title}" after ${SLUG_SUFFIX_TRIES} random suffixes`);

/**
 * Saves a verified petition at its title's readable slug, or that slug with a random suffix when
 * it is taken. Each try is one insert that does nothing if the slug is taken, so two petitions of
 * one title committed at once cannot collide.
 */
export async function createPetitionAtFreeSlug(store: Store, input: Omit<NewPetition, 'slug'>): Promise<Petition> {
  for (const slug of candidates(input.title, 'petition')) {
    const petition = await store.createPetitionIfSlugFree({ ...input, slug });
    if (petition) return petition;
  }
  throw noFreeSlug(input.title);
}

/** Saves an unverified start at a placeholder: it takes no readable slug until its organiser confirms it. */
export async function createUnverifiedPetition(store: Store, input: Omit<NewPetition, 'slug'>): Promise<Petition> {
  return store.createPetition({ ...input, slug: unverifiedSlug(randomBytes(16)) });
}

/** On confirmation: the petition moves from its placeholder to its title's readable slug (or one with a suffix). */
export async function moveToReadableSlug(store: Store, petition: Petition): Promise<string> {
  for (const slug of candidates(petition.title, 'petition')) {
    if (await store.movePetitionToSlugIfFree(petition.id, slug)) return slug;
  }
  throw noFreeSlug(petition.title);
}

export async function createCampaignAtFreeSlug(store: Store, input: Omit<NewCampaign, 'slug'>): Promise<Campaign> {
  for (const slug of candidates(input.title, 'campaign')) {
    const campaign = await store.createCampaignIfSlugFree({ ...input, slug });
    if (campaign) return campaign;
  }
  throw noFreeSlug(input.title);
}
