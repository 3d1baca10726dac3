/**
 * The OpenAPI 3.1 description of /api/v1, written by hand next to the routes it describes; a test
 * fails when a route is registered without being described here.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string' }, description: 'The petition’s address, as in /petitions/{slug}.' };
const bearer = [{ bearerToken: [] }];
const text = (maxLength: number, description: string) => ({ type: 'string', maxLength, description });
const time = { type: 'string', format: 'date-time' };

const schemas = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', examples: ['VALIDATION_FAILED', 'NOT_FOUND', 'PETITION_CLOSED', 'RATE_LIMITED'] },
          message: { type: 'string' },
          fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'One message per field that needs correcting.' },
        },
      },
    },
  },
  Category: { type: 'object', required: ['slug', 'name'], properties: { slug: { type: 'string' }, name: { type: 'string' } } },
  Petition: {
    type: 'object',
    required: ['slug', 'url', 'kind', 'title', 'target', 'body', 'why', 'category', 'location', 'state', 'signatureCount', 'goal', 'createdAt', 'closesAt', 'campaign'],
    properties: {
      slug: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      kind: { enum: ['petition', 'pledge'] },
      title: { type: 'string' },
      target: { type: 'string', description: 'Who it is addressed to ("To:").' },
      body: { type: 'string' },
      why: { type: 'string', description: '"Why is this important?"' },
      category: { oneOf: [ref('Category'), { type: 'null' }] },
      location: { oneOf: [{ type: 'object', required: ['name', 'lat', 'lon'], properties: { name: { type: 'string' }, lat: { type: ['number', 'null'] }, lon: { type: ['number', 'null'] } } }, { type: 'null' }] },
      state: { enum: ['pending', 'open', 'closed', 'won', 'hidden', 'rejected'] },
      signatureCount: { type: 'integer', minimum: 0 },
      goal: { type: 'integer', minimum: 1 },
      createdAt: time,
      closesAt: { oneOf: [time, { type: 'null' }] },
      campaign: { oneOf: [{ type: 'object', required: ['slug', 'title'], properties: { slug: { type: 'string' }, title: { type: 'string' } } }, { type: 'null' }] },
    },
  },
  Update: {
    type: 'object',
    required: ['type', 'text', 'url', 'count', 'createdAt'],
    properties: {
      type: { enum: ['milestone', 'update', 'victory'] },
      text: { type: 'string', examples: ['50 signatures reached'] },
      url: { type: ['string', 'null'], format: 'uri' },
      count: { type: ['integer', 'null'], description: 'For milestones: the count reached.' },
      createdAt: time,
    },
  },
  PetitionWithUpdates: { allOf: [ref('Petition'), { type: 'object', required: ['updates'], properties: { updates: { type: 'array', items: ref('Update'), description: 'Newest first.' } } }] },
  NewSignature: {
    type: 'object',
    required: ['name', 'email'],
    properties: {
      name: text(100, 'Shown to the target on delivery.'),
      email: text(254, 'Never shown to anyone; one signature per address per petition.'),
      postcode: text(16, 'Optional.'),
      country: text(60, 'Optional.'),
      consent: { type: 'boolean', description: 'Keep me updated about this petition by email.' },
    },
  },
  NewPetition: {
    type: 'object',
    required: ['title', 'target', 'body', 'why'],
    properties: {
      kind: { enum: ['petition', 'pledge'] },
      title: text(150, ''),
      target: text(150, ''),
      body: text(5000, ''),
      why: text(5000, ''),
      category: { type: 'string', description: 'A category’s slug or name.' },
      location: { type: 'string', description: 'A place name, geocoded on the server: "Cambridge, UK" is saved as the gazetteer’s "Cambridge, United Kingdom"; a place not found is saved as given, without coordinates.' },
      goal: { type: 'integer', minimum: 1 },
      closesAt: { type: 'string', format: 'date' },
      campaign: { type: 'string', description: 'A campaign’s slug: starts a local petition of it.' },
    },
  },
  Campaign: {
    type: 'object',
    required: ['slug', 'url', 'title', 'body', 'why', 'kind', 'category', 'goal', 'lockedFields', 'signatureCount', 'petitions'],
    properties: {
      slug: { type: 'string' },
      url: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      body: { type: 'string' },
      why: { type: 'string' },
      kind: { enum: ['petition', 'pledge'] },
      category: { oneOf: [ref('Category'), { type: 'null' }] },
      goal: { type: 'integer' },
      lockedFields: { type: 'array', items: { enum: ['body', 'why', 'kind', 'category', 'goal'] } },
      signatureCount: { type: 'integer', description: 'The sum of its public petitions’ counts.' },
      petitions: { type: 'array', items: ref('Petition') },
    },
  },
  NewCampaign: {
    type: 'object',
    required: ['title', 'body', 'why'],
    properties: {
      title: text(150, 'Local petitions are titled "TITLE: TARGET".'),
      body: text(5000, ''),
      why: text(5000, ''),
      kind: { enum: ['petition', 'pledge'] },
      category: { type: 'string' },
      goal: { type: 'integer', minimum: 1 },
      lockedFields: { type: 'array', items: { enum: ['body', 'why', 'kind', 'category', 'goal'] }, description: 'Fields local petitions take from the campaign and may not give.' },
    },
  },
  Count: { type: 'object', required: ['slug', 'signatureCount', 'at'], properties: { slug: { type: 'string' }, signatureCount: { type: 'integer' }, at: time } },
};

const startingPaused = error('Starting is paused by the site’s administrators (code STARTING_PAUSED): nothing was created. Retry-After says when to try again.');

const paths: Record<string, Record<string, object>> = {
  '/petitions': {
    get: {
      summary: 'Browse and search public petitions',
      description: 'Listed petitions that are open, closed or won. With `near`, only those with coordinates, nearest first, each with `distanceKm`.',
      parameters: [
        { name: 'q', in: 'query', schema: { type: 'string' }, description: 'Words from the title, target, text or why; each must match, as a prefix. Any text is accepted.' },
        { name: 'category', in: 'query', schema: { type: 'string' }, description: 'A category’s slug.' },
        { name: 'campaign', in: 'query', schema: { type: 'string' }, description: 'A campaign’s slug: its local petitions.' },
        { name: 'near', in: 'query', schema: { type: 'string', examples: ['52.2,0.12'] }, description: 'LAT,LON in degrees.' },
        { name: 'sort', in: 'query', schema: { enum: ['recent', 'popular', 'trending'], default: 'recent' }, description: 'trending: confirmed signatures in the last 24 hours. Ignored with near.' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'The `next` of the previous page, with the same parameters.' },
      ],
      responses: { 200: json({ type: 'object', required: ['data', 'next'], properties: { data: { type: 'array', items: ref('Petition') }, next: { type: ['string', 'null'] } } }, 'A page of petitions.'), 400: error('A malformed near, sort, limit or cursor.') },
    },
    post: {
      summary: 'Start a petition',
      security: bearer,
      requestBody: { required: true, content: { 'application/json': { schema: ref('NewPetition') } } },
      responses: {
        201: json(ref('PetitionWithUpdates'), 'Created; open at once when an administrator’s token made it.'),
        401: error('No valid token.'),
        415: error('Not JSON.'),
        422: error('Fields to correct.'),
        503: startingPaused,
      },
    },
  },
  '/petitions/{slug}': {
    get: { summary: 'One petition with its updates', parameters: [slugParam], responses: { 200: json(ref('PetitionWithUpdates'), 'The petition.'), 404: error('No public petition here.') } },
  },
  '/petitions/{slug}/count': {
    get: {
      summary: 'The signature count: cheap, cacheable, with an ETag',
      parameters: [slugParam],
      responses: { 200: json(ref('Count'), 'The count now.'), 304: { description: 'Unchanged since the ETag you sent.' }, 404: error('No public petition here.') },
    },
  },
  '/petitions/{slug}/areas': {
    get: {
      summary: 'Where signers are: counted signatures by UK postcode district or country',
      description:
        'A UK postcode gives its district (`area` "CB2", `kind` "district"); otherwise a country we can read gives its ISO 3166-1 alpha-2 code (`area` "FR", `name` "France", `kind` "country"). Areas with fewer signers than `floor` (5) are merged into `other`, with signatures that name no area. No coordinates: there is no offline table of district or country centres. Cached up to a minute.',
      parameters: [slugParam],
      responses: {
        200: json(
          {
            type: 'object',
            required: ['slug', 'floor', 'areas', 'other'],
            properties: {
              slug: { type: 'string' },
              floor: { type: 'integer' },
              areas: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['area', 'name', 'kind', 'count'],
                  properties: { area: { type: 'string' }, name: { type: 'string' }, kind: { enum: ['district', 'country'] }, count: { type: 'integer' } },
                },
              },
              other: { type: 'integer' },
            },
          },
          'Totals, largest first.',
        ),
        404: error('No public petition here.'),
      },
    },
  },
  '/petitions/{slug}/signatures': {
    post: {
      summary: 'Sign',
      description: 'The same answer whether or not the address had signed: it never reveals who signed.',
      parameters: [slugParam],
      requestBody: { required: true, content: { 'application/json': { schema: ref('NewSignature') } } },
      responses: {
        201: json({ type: 'object', properties: { status: { const: 'signed' } } }, 'Counted (SIGNATURE_CONFIRMATION=none).'),
        202: json({ type: 'object', properties: { status: { const: 'confirmation_sent' } } }, 'A confirmation link was emailed.'),
        404: error('No public petition here.'),
        409: error('The petition is closed.'),
        422: error('Fields to correct.'),
        429: error('Too many requests.'),
        503: error('Signing is paused by the site’s administrators (code SIGNING_PAUSED): nothing was recorded. Retry-After says when to try again.'),
      },
    },
  },
  '/petitions/{slug}/updates': {
    post: {
      summary: 'Post an update (its organiser or an administrator)',
      security: bearer,
      parameters: [slugParam],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: text(5000, ''), url: { type: 'string', format: 'uri' } } } } } },
      responses: { 201: json(ref('Update'), 'Posted; emailed to signers who asked.'), 401: error('No valid token.'), 403: error('Not yours.'), 422: error('Fields to correct.') },
    },
  },
  '/categories': {
    get: { summary: 'The categories', responses: { 200: json({ type: 'object', properties: { data: { type: 'array', items: ref('Category') } } }, 'All categories.') } },
    post: { summary: 'Add a category (administrators)', security: bearer, requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: text(60, ''), slug: { type: 'string' } } } } } }, responses: { 201: json(ref('Category'), 'Added.'), 403: error('Not an administrator.'), 409: error('Exists already.'), 422: error('Fields to correct.') } },
  },
  '/categories/{slug}': {
    delete: { summary: 'Remove an unused category (administrators)', security: bearer, parameters: [{ ...slugParam, description: 'The category’s slug.' }], responses: { 204: { description: 'Removed.' }, 404: error('No such category.'), 409: error('Petitions use it.') } },
  },
  '/admin/signing-alerts': {
    get: { summary: 'Open signing alerts (staff)', security: bearer, responses: { 200: { description: 'Alerts, newest first.' }, 401: error('No valid token.'), 403: error('Not staff.') } },
  },
  '/admin/signing-alerts/{id}/resolve': {
    post: { summary: 'Resolve an alert (staff)', security: bearer, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 204: { description: 'Resolved.' }, 404: error('No open alert with this id.') } },
  },
  '/admin/invalidations/preview': {
    post: {
      summary: 'How many signatures an invalidation would hit (staff)',
      security: bearer,
      requestBody: { required: true, content: { 'application/json': { schema: ref('Invalidation') } } },
      responses: { 200: { description: 'What would be hit in words (`description`), signatures and counted signatures, in all and per petition.' }, 422: error('Fields to correct.') },
    },
  },
  '/admin/invalidations': {
    post: { summary: 'Invalidate signatures and recount exactly (staff)', security: bearer, requestBody: { required: true, content: { 'application/json': { schema: ref('Invalidation') } } }, responses: { 201: { description: 'How many were invalidated, and the new counts.' }, 422: error('Fields to correct.') } },
  },
  '/admin/petitions/{slug}/flags/clear': {
    post: { summary: 'Count the flagged signatures of a petition after all (staff)', security: bearer, parameters: [slugParam], responses: { 200: json(ref('Count'), 'The new count.'), 404: error('No such petition.') } },
  },
  '/campaigns': {
    post: {
      summary: 'Start a campaign of local petitions',
      security: bearer,
      requestBody: { required: true, content: { 'application/json': { schema: ref('NewCampaign') } } },
      responses: { 201: json(ref('Campaign'), 'Created; start local petitions with POST /petitions and "campaign".'), 401: error('No valid token.'), 422: error('Fields to correct.'), 503: startingPaused },
    },
  },
  '/campaigns/{slug}': {
    get: { summary: 'A campaign, its total and its local petitions (most signed first)', parameters: [{ ...slugParam, description: 'The campaign’s address.' }], responses: { 200: json(ref('Campaign'), 'The campaign.'), 404: error('No such campaign.') } },
  },
  '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1.' } } } },
};

const invalidation = {
  type: 'object',
  description: 'At least one of alert, address, domain, from or to.',
  properties: {
    alert: { type: 'string', description: 'A signing alert’s id: its petition, and the address or domain it is about (country alerts are refused).' },
    petition: { type: 'string', description: 'Narrow to one petition (slug).' },
    address: { type: 'string', description: 'An IPv4 or IPv6 address, matched through its hashes of the last 7 days.' },
    domain: { type: 'string', description: 'An email domain, exactly.' },
    from: time,
    to: time,
  },
};

export function openApiDocument(baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Undersign API', version: '1', description: 'Petitions and pledges: read them, sign them, run them. Errors share one shape (Error). Public reads allow any origin.' },
    servers: [{ url: `${baseUrl}/api/v1` }],
    paths,
    components: { schemas: { ...schemas, Invalidation: invalidation }, securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'undersign create-token --email E --name N' } } },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
