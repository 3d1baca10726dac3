import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { markStale } from '../public-reads.ts';
import { petitionNotFound } from '../../domain/errors.ts';
import type { Petition } from '../../store/records.ts';
import { isSignable } from '../../domain/petition.ts';
import { requireVisible } from '../../services/visible-petition.ts';
import { signPetition } from '../../services/sign-petition.ts';
import { afterSigning, SIGN_ROUTE } from './after-signing.ts';
import { confirmSignature } from '../../services/confirm-signature.ts';
import { asRecord } from '../../services/field-reader.ts';
import { cleanText } from '../../domain/text.ts';
import { petitionUrl } from '../../services/context.ts';
import { renderPage } from '../render.ts';
import { PetitionPage } from '../views/petition-page.tsx';
import { HomePage, MessagePage } from '../views/simple-pages.tsx';
import { BrowsePage } from '../views/browse-page.tsx';
import type { FormState } from '../views/form-fields.tsx';
import { readSearch, searchPetitions } from '../../services/search-petitions.ts';
import { ShareLinks } from '../views/share-links.tsx';
import type { SignFormState } from '../views/sign-form.tsx';
import { failedForm } from './forms.ts';
import { fillBannerSlot } from '../site-banner.tsx';
import { answerRemovedPetition } from '../removed-petition.tsx';
import { SECRET_TOKEN } from '../request-log.ts';
import { SHED_LIKE_WRITES } from '../load-shedding.ts';

const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
/** Readers' pages: a CDN may keep them a few seconds; browsers always revalidate. */
const CACHEABLE = 'public, max-age=0, s-maxage=10, stale-while-revalidate=30';

export const pageRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;

  async function renderPetition(petition: Petition, form: SignFormState): Promise<string> {
    const updates = await services.store.listUpdates(petition.id);
    const areas = await deps.signerAreas!.of(petition.id);
    const site = await deps.siteSettings!.current();
    // The banner goes in before caching, so the page's ETag changes with it.
    return fillBannerSlot(renderPage(
      <PetitionPage
        petition={petition}
        updates={updates}
        signable={isSignable(petition, services.clock())}
        form={form}
        url={petitionUrl(services, petition.slug)}
        mapTileUrl={config.mapTileUrl}
        areas={areas}
        signingPaused={site.signingPaused}
      />,
    ), site.banner);
  }

  /** The sign form's errors and the pages after signing answer 404; the petition page itself answers a hidden one with 410. */
  const visiblePetition = (slug: string): Promise<Petition> => requireVisible(services.store, slug);

  /** The sign form back with its errors: never cached, it holds what this visitor typed. */
  async function showPetition(reply: FastifyReply, slug: string, form: SignFormState, status = 200) {
    const petition = await visiblePetition(slug);
    return html(reply.code(status), await renderPetition(petition, form));
  }

  app.get('/', async (_request, reply) => {
    const petitions = await services.store.listVisiblePetitions({ limit: 10, after: null });
    reply.header('cache-control', CACHEABLE);
    return html(reply, renderPage(<HomePage petitions={petitions} />));
  });

  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/petitions', async (request, reply) => {
    const query = request.query;
    const values = Object.fromEntries(['q', 'category', 'near', 'sort'].flatMap((k) => (typeof query[k] === 'string' ? [[k, cleanText(query[k] as string).slice(0, 200)]] : [])));
    const form: FormState = { values, errors: {} };
    // The page takes a place name; the API takes coordinates. An unknown place is a field message.
    let near: string | undefined;
    if (values.near) {
      const place = services.geocoder.geocode(values.near);
      if (place) near = `${place.lat},${place.lon}`;
      else form.errors.near = `We could not find “${values.near}”. Check the spelling or add the country: “Leeds, UK”.`;
    }
    const search = readSearch({ ...query, near }, services.clock());
    const { hits, next } = form.errors.near ? { hits: [], next: null } : await searchPetitions(services, search);
    const nextHref = next && `/petitions?${new URLSearchParams({ ...values, cursor: next }).toString()}`;
    reply.header('cache-control', CACHEABLE);
    return html(
      reply,
      renderPage(<BrowsePage form={form} categories={await services.store.listCategories()} hits={hits} nextHref={nextHref} mapTileUrl={config.mapTileUrl} />),
    );
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug', async (request, reply) => {
    const { read: page, staleMs } = await deps.reads!.page(request.params.slug, (petition) => renderPetition(petition, { values: {}, errors: {} }));
    if (!page) return answerRemovedPetition(services.store, request.params.slug, reply);
    reply.header('cache-control', CACHEABLE).header('etag', page.etag);
    markStale(reply, staleMs);
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(page.body);
  });

  const signed = afterSigning(app.log);
  app.post<{ Params: { slug: string } }>('/petitions/:slug/signatures', { config: SIGN_ROUTE }, async (request, reply) => {
    const { slug } = request.params;
    const raw = asRecord(request.body);
    try {
      const result = await signPetition(services, slug, raw, { ip: request.ip }, signed);
      return reply.redirect(`/petitions/${slug}/${result === 'signed' ? 'signed' : 'check-your-email'}`, 303);
    } catch (error) {
      const form = failedForm(error, raw);
      if (!form) throw error;
      reply.header('cache-control', 'no-store');
      return showPetition(reply, slug, form, 422);
    }
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/check-your-email', async (request, reply) => {
    const petition = await visiblePetition(request.params.slug);
    const noun = petition.kind === 'pledge' ? 'pledge' : 'signature';
    return html(
      reply,
      renderPage(
        <MessagePage title="Check your email">
          <p>
            We have sent you an email. Follow the link in it to confirm your {noun} on “{petition.title}”. Your {noun} counts once it is confirmed.
          </p>
          <p>
            <a href={`/petitions/${petition.slug}`}>Back to the {petition.kind}</a>
          </p>
        </MessagePage>,
      ),
    );
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/signed', async (request, reply) => {
    const petition = await visiblePetition(request.params.slug);
    return html(reply, renderPage(<ThankYou title={petition.title} kind={petition.kind} slug={petition.slug} url={petitionUrl(services, petition.slug)} />));
  });

  app.get<{ Params: { token: string } }>('/signatures/confirm/:token', { config: { ...SECRET_TOKEN, ...SHED_LIKE_WRITES } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const outcome = await confirmSignature(services, request.params.token);
    if (outcome.status === 'invalid') {
      reply.code(404);
      return html(
        reply,
        renderPage(
          <MessagePage title="This link does not work">
            <p>This confirmation link is not valid. Check that you copied the whole link from the email.</p>
          </MessagePage>,
        ),
      );
    }
    // The signing path's one-second cache: a title and a kind to thank people with, not a count.
    const petition = await services.petitionsForSigning.find(outcome.petitionSlug);
    if (!petition) throw petitionNotFound();
    if (outcome.status === 'closed') {
      return html(
        reply.code(409),
        renderPage(
          <MessagePage title="This petition has closed">
            <p>“{petition.title}” closed before your signature was confirmed, so it was not counted.</p>
          </MessagePage>,
        ),
      );
    }
    return html(
      reply,
      renderPage(
        <ThankYou title={petition.title} kind={petition.kind} slug={petition.slug} url={petitionUrl(services, petition.slug)} yourData={`/signatures/yours/${request.params.token}`} />,
      ),
    );
  });
};

function ThankYou({ title, kind, slug, url, yourData }: { title: string; kind: 'petition' | 'pledge'; slug: string; url: string; yourData?: string }) {
  return (
    <MessagePage title={kind === 'pledge' ? 'Thank you for pledging' : 'Thank you for signing'}>
      <p>
        Your {kind === 'pledge' ? 'pledge' : 'signature'} on “{title}” is confirmed and counted.
      </p>
      <ShareLinks url={url} title={title} />
      <p>
        <a href={`/petitions/${slug}`}>See the {kind} and its count</a>
      </p>
      {yourData && (
        <p>
          <a href={yourData}>See what we keep about you, or remove your {kind === 'pledge' ? 'pledge' : 'signature'}</a>
        </p>
      )}
    </MessagePage>
  );
}
