import Type, { type Static, type TSchema } from 'typebox';
import { PETITION_STATES } from '../../domain/petition.ts';
import { LOCKABLE_FIELDS } from '../../store/records.ts';
import { CATEGORY_LIMITS, DATE_TEXT_MAX, GOAL_RANGE, INVALIDATION_LIMITS, PETITION_LIMITS, SIGNATURE_LIMITS, UPDATE_LIMITS } from '../../domain/fields.ts';

/**
 * The API's objects, each with an `$id`: registered once with `app.addSchema`, referred to by
 * routes with `ref(name)`, serialised by Fastify from them, and listed under
 * `components.schemas` in the generated OpenAPI document (decision 0046).
 */

/** A reference to one of the models below, as a route's schema writes it. */
export const ref = (name: ModelName, options: { description?: string } = {}) => Type.Unsafe({ $ref: `${name}#`, ...options });

const time = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
/**
 * A value or null, written as a type list (`type: ['object', 'null']`) rather than `anyOf`: Fastify's
 * serializer writes a type list directly but compiles a validator for each `anyOf`, at every start.
 */
export const nullable = <T extends TSchema & { type: string }>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
const text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
/** One of a few words: a plain string enum, which Fastify's serializer writes without trying each. */
export const oneOfWords = <T extends string>(words: readonly T[], options: { description?: string; default?: T } = {}) => Type.Unsafe<T>({ type: 'string', enum: [...words], ...options });
const KIND = oneOfWords(['petition', 'pledge']);
const LOCKABLE = oneOfWords(LOCKABLE_FIELDS);
/** What a form sends for a number: accepted as a JSON integer or as its digits. */
const integerOrDigits = (range: { min: number; max: number }) =>
  Type.Union([Type.Integer({ minimum: range.min, maximum: range.max }), Type.String({ pattern: '^\\s*\\d+\\s*$' })]);

const Error = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ examples: ['VALIDATION_FAILED', 'NOT_FOUND', 'PETITION_CLOSED', 'RATE_LIMITED', 'SIGNING_PAUSED'] }),
      message: Type.String({ description: 'A sentence to show the person.' }),
      fields: Type.Optional(Type.Object({}, { additionalProperties: Type.String(), description: 'One message per field that needs correcting, the same as the HTML form shows.' })),
    }),
  },
  { $id: 'Error', description: 'Every error, whatever its status.' },
);

const categoryProperties = { slug: Type.String(), name: Type.String() };
const Category = Type.Object(categoryProperties, { $id: 'Category' });

const petitionProperties = {
  slug: Type.String(),
  url: Type.String({ format: 'uri' }),
  kind: KIND,
  title: Type.String(),
  target: Type.String({ description: 'Who it is addressed to ("To:").' }),
  body: Type.String(),
  why: Type.String({ description: '"Why is this important?"' }),
  category: nullable(Type.Object(categoryProperties)),
  location: nullable(Type.Object({ name: Type.String(), lat: nullable(Type.Number()), lon: nullable(Type.Number()) })),
  state: oneOfWords(PETITION_STATES),
  signatureCount: Type.Integer({ minimum: 0 }),
  goal: Type.Integer({ minimum: GOAL_RANGE.min }),
  createdAt: time(),
  closesAt: nullable(time()),
  campaign: nullable(Type.Object({ slug: Type.String(), title: Type.String() })),
};

const Petition = Type.Object(petitionProperties, { $id: 'Petition' });

/** A search hit: a petition, with its distance when searched `near` a point. */
const PetitionHit = Type.Object({ ...petitionProperties, distanceKm: Type.Optional(Type.Number({ minimum: 0, description: 'Only with near.' })) }, { $id: 'PetitionHit' });

const Update = Type.Object(
  {
    type: oneOfWords(['milestone', 'update', 'victory']),
    text: Type.String({ examples: ['50 signatures reached'] }),
    url: nullable(Type.String({ format: 'uri' })),
    count: nullable(Type.Integer({ description: 'For milestones: the count reached.' })),
    createdAt: time(),
  },
  { $id: 'Update' },
);

const PetitionWithUpdates = Type.Object({ ...petitionProperties, updates: Type.Array(ref('Update'), { description: 'Newest first.' }) }, { $id: 'PetitionWithUpdates' });

const Count = Type.Object({ slug: Type.String(), signatureCount: Type.Integer({ minimum: 0 }), at: time() }, { $id: 'Count' });

/**
 * What each writing route reads. The services' readers are what decides (they trim, drop control
 * characters and then count, and answer with the form's messages); these say the same in the document.
 */
const NewSignature = Type.Object(
  {
    name: text(SIGNATURE_LIMITS.name, 'Shown to the target on delivery.'),
    email: text(SIGNATURE_LIMITS.email, 'Never shown to anyone; one signature per address per petition.'),
    postcode: Type.Optional(nullable(text(SIGNATURE_LIMITS.postcode, 'Letters, digits, spaces and hyphens.'))),
    country: Type.Optional(nullable(text(SIGNATURE_LIMITS.country))),
    consent: Type.Optional(
      Type.Union([Type.Boolean(), oneOfWords(['on', 'yes', 'true', '1', ''])], { description: 'Keep me updated about this petition by email. A checkbox\'s "on" counts as true.' }),
    ),
  },
  { $id: 'NewSignature' },
);

const NewPetition = Type.Object(
  {
    kind: Type.Optional(KIND),
    title: text(PETITION_LIMITS.title),
    target: text(PETITION_LIMITS.target),
    body: text(PETITION_LIMITS.body),
    why: text(PETITION_LIMITS.why),
    category: Type.Optional(text(PETITION_LIMITS.category, 'A category’s slug or name.')),
    location: Type.Optional(
      text(
        PETITION_LIMITS.location,
        'A place name, geocoded on the server: "Cambridge, UK" is saved as the gazetteer’s "Cambridge, United Kingdom"; a place not found is saved as given, without coordinates.',
      ),
    ),
    goal: Type.Optional(integerOrDigits(GOAL_RANGE)),
    closesAt: Type.Optional(Type.String({ maxLength: DATE_TEXT_MAX, examples: ['2027-03-31'], description: 'A date (or date-time) in the future.' })),
    campaign: Type.Optional(text(PETITION_LIMITS.campaign, 'A campaign’s slug: starts a local petition of it, which takes the words the campaign locks.')),
  },
  { $id: 'NewPetition', description: 'title, body and why may be left out when campaign gives them.' },
);

const NewUpdate = Type.Object({ text: text(UPDATE_LIMITS.text), url: Type.Optional(text(UPDATE_LIMITS.url, 'A web address starting with http:// or https://.')) }, { $id: 'NewUpdate' });

const NewCategory = Type.Object({ name: text(CATEGORY_LIMITS.name), slug: Type.Optional(text(CATEGORY_LIMITS.slug, 'Made from the name when left out.')) }, { $id: 'NewCategory' });

const campaignProperties = {
  slug: Type.String(),
  url: Type.String({ format: 'uri' }),
  title: Type.String(),
  body: Type.String(),
  why: Type.String(),
  kind: KIND,
  category: nullable(Type.Object(categoryProperties)),
  goal: Type.Integer(),
  lockedFields: Type.Array(LOCKABLE),
  signatureCount: Type.Integer({ description: 'The sum of its public petitions’ counts.' }),
  petitions: Type.Array(ref('Petition')),
};
const Campaign = Type.Object(campaignProperties, { $id: 'Campaign' });

const NewCampaign = Type.Object(
  {
    title: text(PETITION_LIMITS.title, 'Local petitions are titled "TITLE: TARGET".'),
    body: text(PETITION_LIMITS.body),
    why: text(PETITION_LIMITS.why),
    kind: Type.Optional(KIND),
    category: Type.Optional(text(PETITION_LIMITS.category)),
    goal: Type.Optional(integerOrDigits(GOAL_RANGE)),
    lockedFields: Type.Optional(Type.Array(LOCKABLE, { description: 'Fields local petitions take from the campaign and may not give.' })),
  },
  { $id: 'NewCampaign' },
);

const Invalidation = Type.Object(
  {
    alert: Type.Optional(text(INVALIDATION_LIMITS.alert, 'A signing alert’s id: its petition, and the address or domain it is about (country alerts are refused).')),
    petition: Type.Optional(text(INVALIDATION_LIMITS.petition, 'Narrow to one petition (slug).')),
    address: Type.Optional(text(INVALIDATION_LIMITS.address, 'An IPv4 or IPv6 address, matched through its hashes of the last 7 days.')),
    domain: Type.Optional(text(INVALIDATION_LIMITS.domain, 'An email domain, exactly.')),
    from: Type.Optional(Type.String({ maxLength: INVALIDATION_LIMITS.from, format: 'date-time' })),
    to: Type.Optional(Type.String({ maxLength: INVALIDATION_LIMITS.to, format: 'date-time' })),
  },
  { $id: 'Invalidation', description: 'At least one of alert, address, domain, from or to.' },
);

const MODELS: Record<ModelName, TSchema> = { Error, Category, Petition, PetitionHit, Update, PetitionWithUpdates, Count, NewSignature, NewPetition, NewUpdate, NewCategory, Campaign, NewCampaign, Invalidation };

export type ModelName =
  | 'Error'
  | 'Category'
  | 'Petition'
  | 'PetitionHit'
  | 'Update'
  | 'PetitionWithUpdates'
  | 'Count'
  | 'NewSignature'
  | 'NewPetition'
  | 'NewUpdate'
  | 'NewCategory'
  | 'Campaign'
  | 'NewCampaign'
  | 'Invalidation';

/** Every model, for `app.addSchema` before the routes that refer to them. */
export const models: TSchema[] = Object.values(MODELS);
