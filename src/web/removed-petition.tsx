import type { FastifyReply } from 'fastify';
import { petitionNotFound } from '../domain/errors.ts';
import { TAKEN_DOWN } from '../domain/petition.ts';
import type { Store } from '../store/store.ts';
import { renderPage } from './render.ts';
import { MessagePage } from './views/simple-pages.tsx';

/**
 * The answer for a petition address that shows no petition. One that moderators hid is 410 Gone,
 * with their reason, so a reader following an old link learns why (its title and text are not
 * repeated: they may be why it went). Anything else (never public, rejected, unknown) is 404.
 */
export async function answerRemovedPetition(store: Pick<Store, 'findPetitionBySlug' | 'listModerationActions'>, slug: string, reply: FastifyReply): Promise<FastifyReply> {
  const petition = await store.findPetitionBySlug(slug);
  if (!petition || !TAKEN_DOWN.has(petition.state)) throw petitionNotFound();
  const [hidden] = await store.listModerationActions({ limit: 1, before: null, petitionId: petition.id, action: 'hide' });
  const noun = petition.kind === 'pledge' ? 'pledge' : 'petition';
  return reply
    .code(410)
    .header('cache-control', 'public, max-age=0, s-maxage=10')
    .type('text/html; charset=utf-8')
    .send(
      renderPage(
        <MessagePage title={`This ${noun} has been removed`}>
          <p>Our moderators have taken this {noun} down. It no longer takes signatures and is not listed.</p>
          {hidden?.reason && (
            <>
              <h2>The moderators’ reason</h2>
              <p class="removal-reason">{hidden.reason}</p>
            </>
          )}
          <p>
            <a href="/petitions">Browse other petitions</a>
          </p>
        </MessagePage>,
      ),
    );
}
