import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { PUBLICLY_VISIBLE } from '../../domain/petition.ts';
import { petitionUrl } from '../../services/context.ts';
import type { Petition } from '../../store/records.ts';
import type { ShareCardText } from '../share-image.tsx';
import { ShareImageCache } from '../share-image-cache.ts';
import { qrCodeSvg } from '../qr-code.ts';

/** The card shows a count, so it may be a few minutes old at most. */
const SHARE_IMAGE_CACHE_CONTROL = 'public, max-age=300';
/** A QR code only encodes the petition's address, which does not change. */
const QR_CACHE_CONTROL = 'public, max-age=604800';

/** The renderer (satori alone takes ~100 ms to import) loads with the first card, not with the server. */
const renderShareImage = async (card: ShareCardText): Promise<Buffer> => (await import('../share-image.tsx')).renderShareImage(card);

/** Other sites (link previews, newsletters) embed these images: helmet's same-origin CORP would block them. */
const embeddable = (reply: FastifyReply) => reply.header('cross-origin-resource-policy', 'cross-origin');

/** Share images and QR codes, only for petitions anyone may see. */
export const shareRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;
  const images = new ShareImageCache({ maxEntries: 200, freshMs: 30_000, render: renderShareImage });

  async function visiblePetition(slug: string): Promise<Petition> {
    const petition = await services.store.findPetitionBySlug(slug);
    if (!petition || !PUBLICLY_VISIBLE.has(petition.state)) throw new AppError('NOT_FOUND', 'There is no petition at this address.');
    return petition;
  }

  app.get<{ Params: { slug: string } }>('/petitions/:slug/share.png', async (request, reply) => {
    const p = await visiblePetition(request.params.slug);
    const card = { target: p.target, title: p.title, kind: p.kind, count: p.signatureCount };
    const png = await images.png(p.slug, card, services.clock());
    embeddable(reply).header('cache-control', SHARE_IMAGE_CACHE_CONTROL);
    return reply.type('image/png').send(png);
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/qr.svg', async (request, reply) => {
    const p = await visiblePetition(request.params.slug);
    const svg = await qrCodeSvg(petitionUrl(services, p.slug));
    embeddable(reply).header('cache-control', QR_CACHE_CONTROL);
    return reply.type('image/svg+xml').send(svg);
  });
};
