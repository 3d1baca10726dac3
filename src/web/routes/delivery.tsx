import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderToStaticMarkup } from 'preact-render-to-string';
import type { AppDeps } from '../app.ts';
import { petitionNotFound } from '../../domain/errors.ts';
import type { Petition } from '../../store/records.ts';
import type { DeliveryRow } from '../../store/delivery-queries.ts';
import { csvFilename, deliveryPages, deliveryRows, signaturesCsvStream } from '../../services/export-signatures.ts';
import { renderPage } from '../render.ts';
import { requireManager } from '../session.ts';
import { PrintPage, SignerRows } from '../views/print-page.tsx';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

/** Delivering a petition: its signers as a CSV download and as a printable page, for its managers only. */
export const deliveryRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;
  const { store } = services;

  async function managed(request: SlugRequest): Promise<Petition> {
    const petition = await store.findPetitionBySlug(request.params.slug);
    if (!petition) throw petitionNotFound();
    await requireManager(request, store, services.clock(), petition);
    return petition;
  }

  app.get('/petitions/:slug/signatures.csv', async (request: SlugRequest, reply) => {
    const petition = await managed(request);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${csvFilename(petition.slug)}"`)
      .type('text/csv; charset=utf-8')
      .send(signaturesCsvStream(deliveryRows(store, petition.id)));
  });

  app.get('/petitions/:slug/print', async (request: SlugRequest, reply) => {
    const petition = await managed(request);
    const count = await store.countSignatures(petition.id, 'confirmed');
    const slot = randomUUID();
    const page = renderPage(<PrintPage petition={petition} count={count} asOf={services.clock()} rowsSlot={slot} />);
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(Readable.from(printedPage(page, slot, deliveryPages(store, petition.id))));
  });
};

/** The page up to the row slot, the rows a page of the store at a time, then the rest. */
async function* printedPage(page: string, slot: string, pages: AsyncIterable<DeliveryRow[]>): AsyncGenerator<string> {
  const at = page.indexOf(slot);
  if (at < 0) {
    yield page;
    return;
  }
  yield page.slice(0, at);
  let first = 1;
  for await (const rows of pages) {
    yield renderToStaticMarkup(<SignerRows rows={rows} first={first} />);
    first += rows.length;
  }
  yield page.slice(at + slot.length);
}
