import type { PetitionKind } from '../domain/petition.ts';
import type { Category } from '../store/records.ts';
import type { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { GOAL_RANGE, PETITION_LIMITS } from '../domain/fields.ts';

export interface PetitionFields {
  kind: PetitionKind;
  target: string;
  title: string | null;
  body: string | null;
  why: string | null;
  category: Category | null;
  location: { name: string; lat: number | null; lon: number | null } | null;
  goal: number | null;
  closesAt: Date | null;
}

/**
 * Reads a petition's fields the same way for the start form, the edit form and the API.
 * `unknownPlace`: 'save' keeps an unknown place by name without coordinates (the API, or a form whose
 * author ticked "save without a map"); 'ask' reports it so the author can correct it.
 * `savedLocation`: the edit form's place as saved, kept as it is when sent back unchanged.
 */
export async function readPetitionFields(
  ctx: ServiceContext,
  f: FieldReader,
  options: { unknownPlace: 'save' | 'ask'; savedLocation?: PetitionFields['location'] },
): Promise<PetitionFields> {
  const now = ctx.clock();
  const kind = f.oneOf<PetitionKind>('kind', ['petition', 'pledge'], 'petition', 'Kind');
  const target = f.text('target', { label: 'Who it is addressed to', max: PETITION_LIMITS.target, required: true });
  const title = f.text('title', { label: 'Title', max: PETITION_LIMITS.title });
  const body = f.text('body', { label: 'What it asks', max: PETITION_LIMITS.body, multiline: true });
  const why = f.text('why', { label: 'Why it is important', max: PETITION_LIMITS.why, multiline: true });
  const categoryName = f.text('category', { label: 'Category', max: PETITION_LIMITS.category });
  const locationName = f.text('location', { label: 'Location', max: PETITION_LIMITS.location });
  const goal = f.integer('goal', { label: 'Goal', ...GOAL_RANGE });
  const closesAt = f.date('closesAt', { label: 'Closing date', mustFollow: now });

  const category = categoryName ? ((await ctx.store.findCategory(categoryName)) ?? null) : null;
  if (categoryName && !category) f.addError('category', `There is no category “${categoryName}”. Choose one from the list.`);

  let location: PetitionFields['location'] = null;
  // Unchanged, a place saved before names came from the gazetteer keeps its name, so editing the
  // title of a signed petition does not count as moving it.
  if (locationName && locationName === options.savedLocation?.name) location = options.savedLocation;
  else if (locationName) {
    const place = ctx.geocoder.geocode(locationName);
    if (!place && options.unknownPlace === 'ask') {
      f.addError('location', `We could not find “${locationName}” on the map. Check the spelling, add the country (“Cambridge, UK”), or tick “Save it without a map”.`);
    }
    // The gazetteer's name, not the typed text: "Leeds, <img …>, UK" finds Leeds and stores
    // "Leeds, United Kingdom", so nothing typed beside a real place reaches a page or the map.
    location = place ? { name: place.displayName, lat: place.lat, lon: place.lon } : { name: locationName, lat: null, lon: null };
  }
  return { kind, target, title, body, why, category, location, goal, closesAt };
}
