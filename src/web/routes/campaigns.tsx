import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { cleanLine } from '../../domain/text.ts';
import { nearest } from '../../domain/distance.ts';
import { startPetition } from '../../services/start-petition.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { CampaignPage, CampaignStartPage, type NearestAnswer } from '../views/campaign-page.tsx';
import { emptyForm, type FormState } from '../views/form-fields.tsx';
import { writeRateLimit } from './rate-limits.ts';
import { attemptForm } from './forms.ts';

type SlugParams = { Params: { slug: string } };

const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

/** `/campaigns/:slug` and its "start one where you are" form. */
export const campaignRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;

  async function campaignOr404(slug: string) {
    const campaign = await services.store.findCampaignBySlug(slug);
    if (!campaign) throw new AppError('NOT_FOUND', 'There is no campaign at this address.');
    return campaign;
  }

  app.get<SlugParams & { Querystring: { near?: string } }>('/campaigns/:slug', async (request, reply) => {
    const campaign = await campaignOr404(request.params.slug);
    const { petitions, total } = await services.store.campaignPetitions(campaign.id);
    const place = typeof request.query.near === 'string' ? cleanLine(request.query.near).slice(0, 120) : '';
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
    return html(reply, renderPage(<CampaignPage campaign={campaign} petitions={petitions} total={total} nearForm={nearForm} nearest={answer} mapTileUrl={config.mapTileUrl} />));
  });

  app.get<SlugParams>('/campaigns/:slug/start', async (request, reply) => html(reply.header('cache-control', 'no-store'), renderPage(<CampaignStartPage campaign={await campaignOr404(request.params.slug)} />)));

  app.post<SlugParams>('/campaigns/:slug/start', { config: writeRateLimit }, async (request, reply) => {
    const campaign = await campaignOr404(request.params.slug);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => startPetition(services, raw, campaign));
    if (!result.ok) return html(reply.header('cache-control', 'no-store'), renderPage(<CampaignStartPage campaign={campaign} form={result.form} />), 422);
    deps.onMailQueued?.();
    return reply.redirect(`/petitions/new/sent?kind=${result.value.kind}`, 303);
  });
};
