import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { unsubscribe, unsubscribeKey, validUnsubscribeToken } from '../../services/unsubscribe.ts';
import { renderPage } from '../render.ts';
import { NoticePage, UnsubscribePage } from '../views/notice-pages.tsx';

type Params = { Params: { id: string; token: string } };

/**
 * Unsubscribing needs no sign-in: the link carries its own proof. GET shows a button (link scanners
 * must not unsubscribe anyone); POST unsubscribes, which is also RFC 8058's one-click request.
 */
export const unsubscribeRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { store } = deps.services;
  const page = (title: string, text: string) => renderPage(<NoticePage title={title} text={text} />);

  app.get<Params>('/unsubscribe/:id/:token', { config: { secretParams: ['id', 'token'] } }, async (request, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || !validUnsubscribeToken(await unsubscribeKey(store), id, request.params.token)) {
      return reply.code(404).send(page('This link does not work', 'Check that you copied the whole link from the email.'));
    }
    return reply.send(renderPage(<UnsubscribePage action={`/unsubscribe/${id}/${request.params.token}`} />));
  });

  app.post<Params>('/unsubscribe/:id/:token', { config: { secretParams: ['id', 'token'], crossSitePosts: 'allowed' } }, async (request, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    if (!(await unsubscribe(store, Number(request.params.id), request.params.token))) {
      return reply.code(404).send(page('This link does not work', 'Check that you copied the whole link from the email.'));
    }
    return reply.send(page('You will get no more emails', 'You will not get updates about this petition again. Your signature still counts.'));
  });
};
