import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { requireVisible } from '../../services/visible-petition.ts';
import { petitionUrl } from '../../services/context.ts';
import { ShareImageCache } from '../share-image-cache.ts';
import { ShareCardRenderer } from '../share-card-renderer.ts';
import { TokenBuckets } from '../token-buckets.ts';
import { clientKey } from '../live-counts.ts';
import { sendError } from '../errors.tsx';
import { qrCodeSvg } from '../qr-code.ts';

/** The card shows a count, so it may be a few minutes old at most. */
const SHARE_IMAGE_CACHE_CONTROL = 'public, max-age=300';
/** An older count, answered while drawing the new one is refused: asked for again soon. */
const OLDER_CARD_CACHE_CONTROL = 'public, max-age=30';
/** Cards that may wait for each drawing thread: about 0.2 s of drawing (decision 0039). */
const QUEUE_PER_THREAD = 8;
/** A full queue drains within a second; the limit's refusal says when a drawing is allowed again. */
const BUSY_RETRY_SECONDS = 2;
/** A QR code only encodes the petition's address, which does not change. */
const QR_CACHE_CONTROL = 'public, max-age=604800';

/** Other sites (link previews, newsletters) embed these images: helmet's same-origin CORP would block them. */
const embeddable = (reply: FastifyReply) => reply.header('cross-origin-resource-policy', 'cross-origin');

/** Share images and QR codes, only for petitions anyone may see. */
export const shareRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services, config } = deps;
  // Cards are drawn on their own threads (satori and the fonts load there, with the first card), at most
  // QUEUE_PER_THREAD waiting each; only drawings count against a client's allowance (decision 0039).
  const renderer = new ShareCardRenderer({ threads: config.shareCardThreads, queue: QUEUE_PER_THREAD * config.shareCardThreads });
  app.addHook('onClose', () => renderer.close());
  const drawings = new TokenBuckets({ tokens: config.shareCardDrawsPerClient, perMs: 60_000, maxKeys: 10_000 });
  const images = new ShareImageCache({
    maxEntries: 200,
    freshMs: 30_000,
    render: (card) => renderer.render(card),
    kept: { find: (id) => services.store.findShareCard(id), save: (id, card) => services.store.saveShareCard(id, card) },
    allowDrawing: config.rateLimit ? (client, now) => drawings.take(client, now) : () => ({ ok: true }),
    drawingRefused: (client) => drawings.giveBack(client),
    onKeepError: (error) => app.log.warn({ err: error }, 'a share card was drawn but could not be kept'),
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/share.png', async (request, reply) => {
    const p = await requireVisible(services.store, request.params.slug);
    const card = { target: p.target, title: p.title, kind: p.kind, count: p.signatureCount };
    const answer = await images.card(p.id, card, clientKey(request.ip), services.clock());
    if ('refused' in answer) {
      const limited = answer.refused === 'limited';
      reply.header('retry-after', String(limited ? answer.retryAfterSeconds : BUSY_RETRY_SECONDS)).header('cache-control', 'no-store');
      return limited
        ? sendError(new AppError('RATE_LIMITED', 'Too many new share images from your address. Please try again in a minute.'), request, reply)
        : sendError(new AppError('UNAVAILABLE', 'Share images are being drawn for many petitions at once. Please try again in a few seconds.'), request, reply);
    }
    embeddable(reply).header('cache-control', answer.current ? SHARE_IMAGE_CACHE_CONTROL : OLDER_CARD_CACHE_CONTROL);
    return reply.type('image/png').send(answer.png);
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/qr.svg', async (request, reply) => {
    const p = await requireVisible(services.store, request.params.slug);
    const svg = await qrCodeSvg(petitionUrl(services, p.slug));
    embeddable(reply).header('cache-control', QR_CACHE_CONTROL);
    return reply.type('image/svg+xml').send(svg);
  });
};
