import type { Petition, PetitionUpdate } from '../store/records.ts';

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
