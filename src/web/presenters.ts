import type { Campaign, Petition, PetitionUpdate } from '../store/records.ts';

/** Rows to the API objects fixed by CONTRACT.md. */
export const petitionJson = (baseUrl: string, p: Petition) => ({
  slug: p.slug,
  url: `${baseUrl}/petitions/${p.slug}`,
  kind: p.kind,
  title: p.title,
  target: p.target,
  body: p.body,
  why: p.why,
  category: p.category ? { slug: p.category.slug, name: p.category.name } : null,
  location: p.location ? { name: p.location.name, lat: p.location.lat, lon: p.location.lon } : null,
  state: p.state,
  signatureCount: p.signatureCount,
  goal: p.goal,
  createdAt: p.createdAt.toISOString(),
  closesAt: p.closesAt ? p.closesAt.toISOString() : null,
  campaign: p.campaign ? { slug: p.campaign.slug, title: p.campaign.title } : null,
});

export const updateJson = (u: PetitionUpdate) => ({
  type: u.type,
  text: u.text,
  url: u.url,
  count: u.count,
  createdAt: u.createdAt.toISOString(),
});

export const petitionWithUpdatesJson = (baseUrl: string, p: Petition, updates: PetitionUpdate[]) => ({
  ...petitionJson(baseUrl, p),
  updates: updates.map(updateJson),
});

/** A campaign with its public local petitions (most signed first); its count is the sum of theirs. */
export const campaignJson = (baseUrl: string, c: Campaign, petitions: Petition[], total: number) => ({
  slug: c.slug,
  url: `${baseUrl}/campaigns/${c.slug}`,
  title: c.title,
  body: c.body,
  why: c.why,
  kind: c.kind,
  category: c.category ? { slug: c.category.slug, name: c.category.name } : null,
  goal: c.goal,
  lockedFields: c.lockedFields,
  signatureCount: total,
  petitions: petitions.map((p) => petitionJson(baseUrl, p)),
});
