import { CURRENT_CONSENT } from '../domain/consent.ts';
import { localPetitionTitle } from '../domain/petition.ts';
import { CityGazetteer, type Geocoder } from '../geo/gazetteer.ts';
import type { Store } from '../store/store.ts';
import type { SignatureToWrite } from '../store/records.ts';
import { hashSecret } from './tokens.ts';

export const DEFAULT_CATEGORIES = [
  { slug: 'animals', name: 'Animals' },
  { slug: 'community', name: 'Community' },
  { slug: 'democracy', name: 'Democracy' },
  { slug: 'education', name: 'Education' },
  { slug: 'environment', name: 'Environment' },
  { slug: 'health', name: 'Health' },
  { slug: 'housing', name: 'Housing' },
  { slug: 'human-rights', name: 'Human rights' },
  { slug: 'technology-privacy', name: 'Technology and privacy' },
  { slug: 'transport', name: 'Transport' },
  { slug: 'work', name: 'Work and economy' },
] as const;

const FIRST = ['Amira', 'Ben', 'Chloe', 'Dev', 'Esi', 'Finn', 'Grace', 'Hamza', 'Iris', 'Jonah', 'Kemi', 'Liam', 'Maya', 'Nikhil', 'Orla', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tariq'];
const LAST = ['Adeyemi', 'Brown', 'Chen', 'Davies', 'Evans', 'Fraser', 'Gupta', 'Hughes', 'Iqbal', 'Jones', 'Khan', 'Lewis'];

const demoSigners = (petitionId: number, from: number, n: number): SignatureToWrite[] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      petitionId,
      email: `demo-signer-${petitionId}-${i}@example.org`,
      name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
      postcode: null,
      country: 'United Kingdom',
      consent: i % 3 === 0,
      tokenHash: hashSecret(`demo-${petitionId}-${i}`),
      confirmed: true,
      ipHash: null,
      flag: null,
      consentVersion: CURRENT_CONSENT.version,
      confirmationMail: null,
    };
  });

/**
 * Demo content of our own for a fresh embedded install: a campaign-style local pledge with a
 * location, a category, confirmed signatures whose milestones are reached through the real batch
 * commit, and an organiser update with a link. Runs only on an empty database. Places are named
 * by the gazetteer, as an organiser's typed place is (petition-input.ts).
 */
export async function seedDemo(store: Store, now: Date, geocoder: Geocoder = new CityGazetteer()): Promise<boolean> {
  if ((await store.countPetitions()) > 0) return false;
  const place = (query: string) => {
    const found = geocoder.geocode(query);
    if (!found) throw new Error(`demo content: the gazetteer does not know “${query}”`);
    return { name: found.displayName, lat: found.lat, lon: found.lon };
  };
  const day = 24 * 3600_000;
  const at = (daysAgo: number, hour: number) => new Date(Math.floor(now.getTime() / day - daysAgo) * day + hour * 3600_000);
  const education = await store.findCategory('education');
  const privacy = await store.findCategory('technology-privacy');

  const campaignTitle = 'No Campus Recruiting for Surveillance Contractors';
  const why =
    'Graduates are what these companies need most. A visible pledge by the people they want to hire is one of the few kinds of pressure they cannot ignore.\n\n' +
    'Students at other universities are running the same pledge: together we can show that talent is not for sale to surveillance.';
  const campaign = await store.createCampaign({
    slug: 'no-campus-recruiting-for-surveillance-contractors',
    kind: 'pledge',
    title: campaignTitle,
    body:
      'We, students and staff, pledge not to apply for, interview for or accept jobs at companies that build mass-surveillance tools for governments that use them against migrants, journalists and protesters.\n\n' +
      'We ask our university’s careers service to stop inviting these companies to careers fairs until they publish and honour a human-rights policy that rules this work out.',
    why,
    categoryId: privacy?.id ?? null,
    goal: 100,
    lockedFields: ['kind', 'category'],
    createdBy: null,
    createdAt: at(10, 9),
  });
  const pledge = await store.createPetition({
    slug: 'no-campus-recruiting-for-surveillance-contractors-university-of-leeds',
    kind: 'pledge',
    title: localPetitionTitle(campaignTitle, 'University of Leeds'),
    target: 'Careers Service, University of Leeds',
    body:
      'We, students and staff of the University of Leeds, pledge not to apply for, interview for or accept jobs at companies that build mass-surveillance tools for governments that use them against migrants, journalists and protesters.\n\n' +
      'We ask the Careers Service to stop inviting these companies to careers fairs until they publish and honour a human-rights policy that rules this work out.',
    why,
    categoryId: privacy?.id ?? null,
    campaignId: campaign.id,
    location: place('Leeds, UK'),
    state: 'open',
    goal: 100,
    goalFixed: false,
    createdBy: null,
    createdAt: at(9, 10),
    closesAt: null,
    verifiedAt: at(9, 10),
    listed: true,
  });
  await store.commitSignatureBatch({ now: at(8, 12), signatures: demoSigners(pledge.id, 0, 12), confirmations: [] });
  await store.commitSignatureBatch({ now: at(6, 18), signatures: demoSigners(pledge.id, 12, 15), confirmations: [] });
  await store.addUpdate({
    petitionId: pledge.id,
    type: 'update',
    text: 'The student newspaper covered our pledge this week, and two more departments have joined. Thank you all: please share it with your course mates.',
    url: 'https://example.org/news/students-pledge-against-surveillance-recruiting',
    createdAt: at(4, 9),
  });
  await store.commitSignatureBatch({ now: at(2, 15), signatures: demoSigners(pledge.id, 27, 30), confirmations: [] });
  // Two more local pledges of the campaign, for its map, total and leaderboard.
  for (const [target, town, signers] of [
    ['University of Cambridge', 'Cambridge, UK', 31],
    ['University of Bristol', 'Bristol, UK', 14],
  ] as const) {
    const local = await store.createPetition({
      slug: `no-campus-recruiting-for-surveillance-contractors-${target.toLowerCase().replace(/\s+/g, '-')}`,
      kind: 'pledge',
      title: localPetitionTitle(campaignTitle, target),
      target: `Careers Service, ${target}`,
      body: campaign.body,
      why,
      categoryId: privacy?.id ?? null,
      campaignId: campaign.id,
      location: place(town),
      state: 'open',
      goal: 100,
      goalFixed: false,
      createdBy: null,
      createdAt: at(7, 14),
      closesAt: null,
      verifiedAt: at(7, 14),
      listed: true,
    });
    await store.commitSignatureBatch({ now: at(3, 16), signatures: demoSigners(local.id, 0, signers), confirmations: [] });
  }

  const petition = await store.createPetition({
    slug: 'open-the-library-24-hours-during-exams',
    kind: 'petition',
    title: 'Open the main library 24 hours a day during exams',
    target: 'Library Services, University of Leeds',
    body: 'Keep the main library open around the clock for the four weeks of the summer exam period.',
    why: 'Many students share crowded houses with no quiet place to revise. A safe, warm, quiet space at any hour makes exams fairer.',
    categoryId: education?.id ?? null,
    campaignId: null,
    location: null,
    state: 'open',
    goal: 100,
    goalFixed: false,
    createdBy: null,
    createdAt: at(3, 11),
    closesAt: null,
    verifiedAt: at(3, 11),
    listed: true,
  });
  await store.commitSignatureBatch({ now: at(1, 20), signatures: demoSigners(petition.id, 0, 8), confirmations: [] });
  return true;
}
