import Type, { type TSchema } from 'typebox';
import { SORTS } from '../../domain/search-terms.ts';
import { PAGE_SIZE, SEARCH_LIMITS } from '../../domain/fields.ts';
import { nullable, oneOfWords, ref, type ModelName } from './models.ts';

/**
 * Each /api/v1 route's schema: what it reads, what it answers and who may call it. Routes pass
 * these to Fastify, which serialises their answers with `response`; @fastify/swagger turns them into
 * the OpenAPI document, with `errors` among the answers. Errors are kept apart because the error
 * handler always writes the one Error shape itself: a serializer compiled for each of them (some 140)
 * would add a blocking tenth of a second to every start, for nothing. Request parts are read by the
 * services, not by these (decision 0046).
 */

/** Public reads: anyone, from any site. Token routes: `Authorization: Bearer TOKEN`. */
const PUBLIC: Array<Record<string, string[]>> = [];
const TOKEN = [{ bearerToken: [] }];

const failure = (description: string) => ref('Error', { description });
const noBody = (description: string) => Type.Unsafe({ type: 'null', description });
const json = (name: ModelName, description: string) => ref(name, { description });

const BACK_IN_A_MOMENT = 'Back in a moment: the server is too busy (OVERLOADED), its database is away (UNAVAILABLE) or its storage is full (STORAGE_FULL). Retry-After says when to try again.';
const CANNOT_READ = 'The body is not JSON, is empty or is malformed (MALFORMED_BODY).';
const NO_TOKEN = 'No valid token (UNAUTHENTICATED).';
const NOT_JSON = 'The body is not sent as JSON (UNSUPPORTED_MEDIA_TYPE): forms from other sites cannot write.';
const TOO_LARGE = 'The body is over 64 KiB (BODY_TOO_LARGE).';
const TOO_MANY = 'Too many requests from this client (RATE_LIMITED).';
const TO_CORRECT = 'Fields to correct (VALIDATION_FAILED): `fields` has one message per field.';
const NO_PETITION = 'No public petition here (NOT_FOUND).';
const STARTING_PAUSED = failure(`Starting is paused by the site’s administrators (STARTING_PAUSED): nothing was created. ${BACK_IN_A_MOMENT}`);
/** Only the HTTP server answers this, before any route: there is no other 4xx for a read without input. */
const HEADERS_TOO_LARGE = noBody('The request’s headers are larger than the server accepts; answered by the HTTP server, without a body.');

const slugParams = (description = 'The petition’s address, as in /petitions/{slug}.') => Type.Object({ slug: Type.String({ description }) });

/** The errors every token route may answer besides its own. */
const tokenWrite = (errors: Record<number, TSchema>) => ({
  400: failure(CANNOT_READ),
  401: failure(NO_TOKEN),
  413: failure(TOO_LARGE),
  415: failure(NOT_JSON),
  429: failure(TOO_MANY),
  503: failure(BACK_IN_A_MOMENT),
  ...errors,
});

/** Starting a petition or a campaign: a kill switch may pause it. */
const STARTS_SOMETHING = tokenWrite({ 422: failure(TO_CORRECT), 503: STARTING_PAUSED });

const staffWrite = (errors: Record<number, TSchema>) => tokenWrite({ 403: failure('The token is not a staff member’s (FORBIDDEN).'), ...errors });

export const searchPetitionsSchema = {
  operationId: 'searchPetitions',
  summary: 'Browse and search public petitions',
  description: 'Listed petitions that are open, closed or won. With `near`, only those with coordinates, nearest first, each with `distanceKm`.',
  security: PUBLIC,
  querystring: Type.Object({
    q: Type.Optional(Type.String({ description: `Words from the title, target, text or why; each must match, as a prefix. Any text is accepted; past ${SEARCH_LIMITS.q} characters it is cut.` })),
    category: Type.Optional(Type.String({ description: 'A category’s slug.' })),
    campaign: Type.Optional(Type.String({ description: 'A campaign’s slug: its local petitions.' })),
    near: Type.Optional(Type.String({ examples: ['52.2,0.12'], description: 'LAT,LON in degrees.' })),
    sort: Type.Optional(oneOfWords(SORTS, { default: 'recent', description: 'trending: confirmed signatures in the last 24 hours. Ignored with near.' })),
    limit: Type.Optional(Type.Integer({ minimum: PAGE_SIZE.min, maximum: PAGE_SIZE.max, default: PAGE_SIZE.default })),
    cursor: Type.Optional(Type.String({ description: 'The `next` of the previous page, with the same parameters.' })),
  }),
  response: {
    200: Type.Object({ data: Type.Array(ref('PetitionHit')), next: nullable(Type.String()) }, { description: 'A page of petitions.' }),
  },
  errors: {
    400: failure('A malformed near, sort, limit or cursor (MALFORMED_BODY); `fields` names it.'),
    503: failure(BACK_IN_A_MOMENT),
  },
};

export const startPetitionSchema = {
  operationId: 'startPetition',
  summary: 'Start a petition',
  security: TOKEN,
  body: ref('NewPetition'),
  response: { 201: json('PetitionWithUpdates', 'Created; open at once when an administrator’s token made it.') },
  errors: STARTS_SOMETHING,
};

export const getPetitionSchema = {
  operationId: 'getPetition',
  summary: 'One petition with its updates',
  security: PUBLIC,
  params: slugParams(),
  response: { 200: json('PetitionWithUpdates', 'The petition.') },
  errors: { 404: failure(NO_PETITION), 503: failure(BACK_IN_A_MOMENT) },
};

export const getCountSchema = {
  operationId: 'getPetitionCount',
  summary: 'The signature count: cheap, cacheable, with an ETag',
  security: PUBLIC,
  params: slugParams(),
  response: { 200: json('Count', 'The count now.'), 304: noBody('Unchanged since the ETag you sent.') },
  errors: { 404: failure(NO_PETITION), 503: failure(BACK_IN_A_MOMENT) },
};

export const getSignerAreasSchema = {
  operationId: 'getSignerAreas',
  summary: 'Where signers are: counted signatures by UK postcode district or country',
  description:
    'A UK postcode gives its district (`area` "CB2", `kind` "district"); otherwise a country we can read gives its ISO 3166-1 alpha-2 code (`area` "FR", `name` "France", `kind` "country"). Areas with fewer signers than `floor` (5) are merged into `other`, with signatures that name no area. No coordinates: there is no offline table of district or country centres. Cached up to a minute.',
  security: PUBLIC,
  params: slugParams(),
  response: {
    200: Type.Object(
      {
        slug: Type.String(),
        floor: Type.Integer(),
        areas: Type.Array(Type.Object({ area: Type.String(), name: Type.String(), kind: oneOfWords(['district', 'country']), count: Type.Integer() })),
        other: Type.Integer(),
      },
      { description: 'Totals, largest first.' },
    ),
  },
  errors: {
    404: failure(NO_PETITION),
    503: failure(BACK_IN_A_MOMENT),
  },
};

export const signPetitionSchema = {
  operationId: 'signPetition',
  summary: 'Sign',
  description: 'The same answer whether or not the address had signed: it never reveals who signed.',
  security: PUBLIC,
  params: slugParams(),
  body: ref('NewSignature'),
  response: {
    201: Type.Object({ status: Type.Literal('signed') }, { description: 'Counted (SIGNATURE_CONFIRMATION=none).' }),
    202: Type.Object({ status: Type.Literal('confirmation_sent') }, { description: 'A confirmation link was emailed.' }),
  },
  errors: {
    400: failure(CANNOT_READ),
    404: failure(NO_PETITION),
    409: failure('The petition is closed (PETITION_CLOSED).'),
    413: failure(TOO_LARGE),
    415: failure(NOT_JSON),
    422: failure(TO_CORRECT),
    429: failure(TOO_MANY),
    503: failure(`Signing is paused by the site’s administrators (SIGNING_PAUSED): nothing was recorded. ${BACK_IN_A_MOMENT}`),
  },
};

export const postUpdateSchema = {
  operationId: 'postUpdate',
  summary: 'Post an update (its organiser or an administrator)',
  security: TOKEN,
  params: slugParams(),
  body: ref('NewUpdate'),
  response: { 201: json('Update', 'Posted; emailed to signers who asked.') },
  errors: tokenWrite({
    403: failure('Not yours (FORBIDDEN).'),
    404: failure('No petition here (NOT_FOUND).'),
    422: failure(TO_CORRECT),
  }),
};

export const listCategoriesSchema = {
  operationId: 'listCategories',
  summary: 'The categories',
  security: PUBLIC,
  response: { 200: Type.Object({ data: Type.Array(ref('Category')) }, { description: 'All categories.' }) },
  errors: { 431: HEADERS_TOO_LARGE, 503: failure(BACK_IN_A_MOMENT) },
};

export const addCategorySchema = {
  operationId: 'addCategory',
  summary: 'Add a category (administrators)',
  security: TOKEN,
  body: ref('NewCategory'),
  response: { 201: json('Category', 'Added.') },
  errors: tokenWrite({
    403: failure('Not an administrator (FORBIDDEN).'),
    409: failure('Exists already (CONFLICT).'),
    422: failure(TO_CORRECT),
  }),
};

export const removeCategorySchema = {
  operationId: 'removeCategory',
  summary: 'Remove an unused category (administrators)',
  security: TOKEN,
  params: slugParams('The category’s slug.'),
  response: {
    204: noBody('Removed.'),
  },
  errors: {
    401: failure(NO_TOKEN),
    403: failure('Not an administrator (FORBIDDEN).'),
    404: failure('No such category (NOT_FOUND).'),
    409: failure('Petitions use it (CONFLICT).'),
    429: failure(TOO_MANY),
    503: failure(BACK_IN_A_MOMENT),
  },
};

const alert = Type.Object({ id: Type.Integer(), petition: Type.String({ description: 'The petition’s slug.' }), kind: Type.String({ examples: ['address', 'domain', 'country'] }), key: Type.String(), count: Type.Integer(), createdAt: Type.String({ format: 'date-time' }) });

export const listSigningAlertsSchema = {
  operationId: 'listSigningAlerts',
  summary: 'Open signing alerts (staff)',
  security: TOKEN,
  response: {
    200: Type.Object({ data: Type.Array(alert) }, { description: 'Alerts, newest first.' }),
  },
  errors: {
    401: failure(NO_TOKEN),
    403: failure('Not staff (FORBIDDEN).'),
    503: failure(BACK_IN_A_MOMENT),
  },
};

export const resolveSigningAlertSchema = {
  operationId: 'resolveSigningAlert',
  summary: 'Resolve an alert (staff)',
  description: 'Send `Content-Type: application/json` with an empty object as the body.',
  security: TOKEN,
  params: Type.Object({ id: Type.String({ pattern: '^[0-9]+$', description: 'The alert’s id.' }) }),
  response: { 204: noBody('Resolved.') },
  errors: staffWrite({ 404: failure('No open alert with this id (NOT_FOUND).') }),
};

const perPetition = (properties: Record<string, TSchema>) => Type.Array(Type.Object({ slug: Type.String(), ...properties }));

export const previewInvalidationSchema = {
  operationId: 'previewInvalidation',
  summary: 'How many signatures an invalidation would hit (staff)',
  security: TOKEN,
  body: ref('Invalidation'),
  response: {
    200: Type.Object(
      { description: Type.String({ description: 'What would be hit, in words.' }), signatures: Type.Integer(), counted: Type.Integer(), petitions: perPetition({ signatures: Type.Integer(), counted: Type.Integer() }) },
      { description: 'Signatures and counted signatures that would be hit, in all and per petition.' },
    ),
  },
  errors: staffWrite({ 422: failure(TO_CORRECT) }),
};

export const invalidateSchema = {
  operationId: 'invalidateSignatures',
  summary: 'Invalidate signatures and recount exactly (staff)',
  security: TOKEN,
  body: ref('Invalidation'),
  response: { 201: Type.Object({ invalidated: Type.Integer(), petitions: perPetition({ signatureCount: Type.Integer() }) }, { description: 'How many were invalidated, and the new counts.' }) },
  errors: staffWrite({ 422: failure(TO_CORRECT) }),
};

export const clearFlagsSchema = {
  operationId: 'clearSignatureFlags',
  summary: 'Count the flagged signatures of a petition after all (staff)',
  security: TOKEN,
  params: slugParams(),
  response: { 200: Type.Object({ slug: Type.String(), signatureCount: Type.Integer() }, { description: 'The new count.' }) },
  errors: staffWrite({ 404: failure('No such petition (NOT_FOUND).') }),
};

export const startCampaignSchema = {
  operationId: 'startCampaign',
  summary: 'Start a campaign of local petitions',
  security: TOKEN,
  body: ref('NewCampaign'),
  response: { 201: json('Campaign', 'Created; start local petitions with POST /petitions and "campaign".') },
  errors: STARTS_SOMETHING,
};

export const getCampaignSchema = {
  operationId: 'getCampaign',
  summary: 'A campaign, its total and its local petitions (most signed first)',
  security: PUBLIC,
  params: slugParams('The campaign’s address.'),
  response: { 200: json('Campaign', 'The campaign.') },
  errors: { 404: failure('No such campaign (NOT_FOUND).'), 503: failure(BACK_IN_A_MOMENT) },
};

export const openApiDocumentSchema = {
  operationId: 'getOpenApiDocument',
  summary: 'This document',
  security: PUBLIC,
  response: { 200: Type.Object({}, { additionalProperties: true, description: 'OpenAPI 3.1, generated from the routes.' }) },
  errors: { 431: HEADERS_TOO_LARGE, 503: failure(BACK_IN_A_MOMENT) },
};
