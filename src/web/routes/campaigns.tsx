import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { cleanLine } from '../../domain/text.ts';
import { nearest } from '../../domain/distance.ts';
import { startPetition } from '../../services/start-petition.ts';
import { createCampaign } from '../../services/create-campaign.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { currentUser } from '../session.ts';
import { CampaignPage, CampaignStartPage, type NearestAnswer } from '../views/campaign-page.tsx';
import { NewCampaignPage } from '../views/campaign-new-page.tsx';
import { emptyForm, type FormState } from '../views/form-fields.tsx';
import { writeRateLimit } from './rate-limits.ts';
import { PAUSED_WITH_STARTING } from '../site-controls.ts';
import { attemptForm } from './forms.ts';

type SlugParams = { Params: { slug: string } };

const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);
const queryText = (value: unknown) => (typeof value === 'string' ? cleanLine(value).slice(0, 120) : '');

/** `/campaigns/new`, `/campaigns/:slug` and its "start one where you are" form. */
export const campaignRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;
  const { store } = services;

  async function campaignOr404(slug: string) {
    const campaign = await store.findCampaignBySlug(slug);
    if (!campaign) throw new AppError('NOT_FOUND', 'There is no campaign at this address.');
    return campaign;
  }

  // Starting a campaign needs a sign-in (a confirmed email address): its page is behind a session, so it carries a CSRF token.
  async function signedIn(request: FastifyRequest) {
    const user = await currentUser(request, store, services.clock());
    if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to start a campaign.');
    return user;
  }
  const showNew = async (reply: FastifyReply, form: FormState, status = 200) =>
    html(reply.header('cache-control', 'no-store'), renderPage(<NewCampaignPage form={form} categories={await store.listCategories()} csrf={reply.generateCsrf()} />), status);

  app.get('/campaigns/new', { config: PAUSED_WITH_STARTING }, async (request, reply) => {
    await signedIn(request);
    return showNew(reply, emptyForm());
  });

  app.post('/campaigns/new', { preValidation: app.csrfProtection, config: { ...writeRateLimit, ...PAUSED_WITH_STARTING } }, async (request, reply) => {
    const user = await signedIn(request);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => createCampaign(services, user, raw));
    // Ticked boxes arrive as one value or a list; the form shows them again from a comma-separated string.
    if (!result.ok) return showNew(reply, { ...result.form, values: { ...result.form.values, lockedFields: [raw.lockedFields ?? []].flat().join(',') } }, 422);
    return reply.redirect(`/campaigns/${result.value.slug}`, 303);
  });

  app.get<SlugParams & { Querystring: { near?: string } }>('/campaigns/:slug', async (request, reply) => {
    const campaign = await campaignOr404(request.params.slug);
    const { petitions, total, goal } = await store.campaignPetitions(campaign.id);
    const place = queryText(request.query.near);
    let nearForm: FormState = emptyForm({ near: place });
    let answer: NearestAnswer | undefined;
    if (place) {
      const point = services.geocoder.geocode(place);
      if (!point) nearForm = { values: { near: place }, errors: { near: `We could not find “${place}”. Check the spelling or add the country: “Bristol, UK”.` } };
      else {
        const found = nearest(point, petitions, (p) => (p.location?.lat != null && p.location?.lon != null ? { lat: p.location.lat, lon: p.location.lon } : null));
        answer = { place, found: found && { petition: found.item, km: found.km } };
      }
    }
    reply.header('cache-control', place ? 'no-store' : 'public, max-age=0, s-maxage=10, stale-while-revalidate=30');
    const page = <CampaignPage campaign={campaign} petitions={petitions} total={total} goal={goal} nearForm={nearForm} nearest={answer} mapTileUrl={config.mapTileUrl} />;
    return html(reply, renderPage(page));
  });

  app.get<SlugParams & { Querystring: { location?: string } }>('/campaigns/:slug/start', { config: PAUSED_WITH_STARTING }, async (request, reply) => {
    const campaign = await campaignOr404(request.params.slug);
    // "Start one where you are" after a search carries the place the reader typed.
    const place = queryText(request.query.location);
    return html(reply.header('cache-control', 'no-store'), renderPage(<CampaignStartPage campaign={campaign} form={emptyForm(place ? { location: place } : {})} />));
  });

  app.post<SlugParams>('/campaigns/:slug/start', { config: { ...writeRateLimit, ...PAUSED_WITH_STARTING } }, async (request, reply) => {
    const campaign = await campaignOr404(request.params.slug);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => startPetition(services, raw, campaign));
    if (!result.ok) return html(reply.header('cache-control', 'no-store'), renderPage(<CampaignStartPage campaign={campaign} form={result.form} />), 422);
    return reply.redirect(`/petitions/new/sent?kind=${result.value.kind}`, 303);
  });
};
