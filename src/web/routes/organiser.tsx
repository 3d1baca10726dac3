import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError, petitionNotFound } from '../../domain/errors.ts';
import type { Petition, User } from '../../store/records.ts';
import { startPetition } from '../../services/start-petition.ts';
import { requestSignIn, useMagicLink } from '../../services/magic-links.ts';
import { closePetition, declareVictory, editPetition } from '../../services/manage-petition.ts';
import { postUpdate } from '../../services/post-update.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { currentUser, endSession, requireManager, startSession } from '../session.ts';
import { emptyForm } from '../views/form-fields.tsx';
import { StartPage } from '../views/start-page.tsx';
import { ContinuePage, ManagePage, MyPetitionsPage, SignInPage, petitionFormValues, type ManageForms } from '../views/manage-page.tsx';
import { StartSentPage } from '../views/notice-pages.tsx';
import { writeRateLimit } from './rate-limits.ts';
import { PAUSED_WITH_STARTING } from '../site-controls.ts';
import { attemptForm } from './forms.ts';
import { SECRET_TOKEN } from '../request-log.ts';

const html = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);

const attempt = attemptForm;

const NOTICES: Record<string, string> = {
  confirmed: 'Your email address is confirmed.',
  updated: 'Your update is posted. It is being emailed to people who asked for updates.',
  edited: 'Your changes are saved.',
  won: 'Victory declared: the message is on the page and on its way to people who asked for updates.',
  closed: 'Closed: signing has stopped.',
};

export const organiserRoutes = (deps: AppDeps) => async (app: FastifyInstance) => {
  const { services } = deps;
  const { store } = services;
  const secureCookies = deps.config.nodeEnv === 'production';
  const protectedForm = { preValidation: app.csrfProtection, config: writeRateLimit };

  app.get('/petitions/new', { config: PAUSED_WITH_STARTING }, async (_request, reply) => html(reply, renderPage(<StartPage form={emptyForm()} categories={await store.listCategories()} />)));

  app.post('/petitions/new', { config: { ...writeRateLimit, ...PAUSED_WITH_STARTING } }, async (request, reply) => {
    const raw = asRecord(request.body);
    const result = await attempt(raw, () => startPetition(services, raw));
    if (!result.ok) return html(reply, renderPage(<StartPage form={result.form} categories={await store.listCategories()} />), 422);
    // Post, redirect, get: reloading the answer must not start the petition twice.
    return reply.redirect(`/petitions/new/sent?kind=${result.value.kind}`, 303);
  });

  app.get<{ Querystring: { kind?: string } }>('/petitions/new/sent', async (request, reply) => {
    // Only the kind travels in the address: echoing a title from it would let anyone word our page.
    const noun = request.query.kind === 'pledge' ? 'pledge' : 'petition';
    return html(reply, renderPage(<StartSentPage noun={noun} />));
  });

  app.get<{ Params: { token: string } }>('/auth/:token', { config: SECRET_TOKEN }, async (request, reply) => html(reply, renderPage(<ContinuePage token={request.params.token} />)));

  app.post<{ Params: { token: string } }>('/auth/:token', { config: SECRET_TOKEN }, async (request, reply) => {
    const { user, petition } = await useMagicLink(services, request.params.token);
    await startSession(reply, store, user.id, services.clock(), secureCookies);
    return reply.redirect(petition ? `/petitions/${petition.slug}/manage?done=confirmed` : '/manage', 303);
  });

  app.get('/sign-in', async (_request, reply) => html(reply, renderPage(<SignInPage form={emptyForm()} sent={false} />)));

  app.post('/sign-in', { config: writeRateLimit }, async (request, reply) => {
    const raw = asRecord(request.body);
    const result = await attempt(raw, () => requestSignIn(services, raw));
    if (!result.ok) return html(reply, renderPage(<SignInPage form={result.form} sent={false} />), 422);
    return html(reply, renderPage(<SignInPage form={emptyForm()} sent />));
  });

  app.post('/sign-out', { preValidation: app.csrfProtection }, async (request, reply) => {
    await endSession(request, reply, store);
    return reply.redirect('/', 303);
  });

  app.get('/manage', async (request, reply) => {
    const user = await currentUser(request, store, services.clock());
    if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to see your petitions.');
    const petitions = await store.listPetitionsByCreator(user.id);
    return html(reply, renderPage(<MyPetitionsPage petitions={petitions} email={user.email} csrf={reply.generateCsrf()} />));
  });

  async function managed(request: FastifyRequest<{ Params: { slug: string } }>): Promise<{ petition: Petition; user: User }> {
    const petition = await store.findPetitionBySlug(request.params.slug);
    if (!petition) throw petitionNotFound();
    return { petition, user: await requireManager(request, store, services.clock(), petition) };
  }

  async function showManage(reply: FastifyReply, petition: Petition, forms: Partial<ManageForms>, status = 200, notice?: string) {
    const page = (
      <ManagePage
        petition={petition}
        categories={await store.listCategories()}
        edits={await store.listEdits(petition.id)}
        csrf={reply.generateCsrf()}
        notice={notice}
        forms={{ edit: forms.edit ?? emptyForm(petitionFormValues(petition)), update: forms.update ?? emptyForm(), victory: forms.victory ?? emptyForm() }}
      />
    );
    return html(reply, renderPage(page), status);
  }

  app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/petitions/:slug/manage', async (request, reply) => {
    const { petition } = await managed(request);
    return showManage(reply, petition, {}, 200, NOTICES[request.query.done ?? '']);
  });

  const done = (reply: FastifyReply, petition: Petition, what: keyof typeof NOTICES) => reply.redirect(`/petitions/${petition.slug}/manage?done=${what}`, 303);

  app.post<{ Params: { slug: string } }>('/petitions/:slug/manage/edit', protectedForm, async (request, reply) => {
    const { petition, user } = await managed(request);
    const raw = asRecord(request.body);
    const result = await attempt(raw, () => editPetition(services, user, petition, raw));
    return result.ok ? done(reply, petition, 'edited') : showManage(reply, petition, { edit: result.form }, 422);
  });

  app.post<{ Params: { slug: string } }>('/petitions/:slug/manage/updates', protectedForm, async (request, reply) => {
    const { petition, user } = await managed(request);
    const raw = asRecord(request.body);
    const result = await attempt(raw, () => postUpdate(services, user, petition.slug, raw));
    if (!result.ok) return showManage(reply, petition, { update: result.form }, 422);
    return done(reply, petition, 'updated');
  });

  app.post<{ Params: { slug: string } }>('/petitions/:slug/manage/victory', protectedForm, async (request, reply) => {
    const { petition } = await managed(request);
    const raw = asRecord(request.body);
    const result = await attempt(raw, () => declareVictory(services, petition, raw));
    if (!result.ok) return showManage(reply, petition, { victory: result.form }, 422);
    return done(reply, petition, 'won');
  });

  app.post<{ Params: { slug: string } }>('/petitions/:slug/manage/close', protectedForm, async (request, reply) => {
    const { petition } = await managed(request);
    await closePetition(services, petition);
    return done(reply, petition, 'closed');
  });
};
