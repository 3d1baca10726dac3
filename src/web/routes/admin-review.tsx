import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app.ts';
import { petitionNotFound } from '../../domain/errors.ts';
import { availableDecisions, MODERATION_DECISIONS, reviewedPetition } from '../../domain/moderation.ts';
import type { User } from '../../store/records.ts';
import { dismissReports, moderatePetition } from '../../services/moderate-petition.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { emptyForm, type FormState } from '../views/form-fields.tsx';
import { AdminQueuePage } from '../views/admin-queue-page.tsx';
import { AdminReviewPage, type ReviewForms } from '../views/admin-review-page.tsx';
import { attemptForm } from './forms.ts';
import { writeRateLimit } from './rate-limits.ts';
import { adminHtml, type StaffOf } from './admin-html.ts';

type SlugParams = { Params: { slug: string } };

const NOTICES: Record<string, string> = {
  approve: 'Approved: it is open and listed.',
  hide: 'Hidden: it has left every list, its page gives the reason, and the organiser is being emailed.',
  reject: 'Rejected: the organiser is being emailed the reason.',
  restore: 'Restored: it is public and listed again, and the organiser is being emailed.',
  'dismiss-reports': 'The open reports are dismissed.',
};

/** The review queue, one petition's review page, and the decisions taken there (moderators and administrators). */
export function reviewRoutes(app: FastifyInstance, deps: AppDeps, staffOf: StaffOf): void {
  const { services } = deps;
  const { store } = services;
  const protectedForm = { preValidation: app.csrfProtection, config: writeRateLimit };

  app.get<{ Querystring: { done?: string } }>('/admin/queue', async (request, reply) => {
    const items = await store.reviewQueue({ limit: 200 });
    return adminHtml(reply, renderPage(<AdminQueuePage items={items} staff={staffOf(request)} csrf={reply.generateCsrf()} notice={NOTICES[request.query.done ?? '']} />));
  });

  async function showReview(reply: FastifyReply, staff: User, slug: string, forms: Partial<Record<string, FormState>> = {}, status = 200) {
    const petition = await store.findPetitionBySlug(slug);
    if (!petition) throw petitionNotFound();
    const [queued] = await store.reviewQueue({ limit: 1, petitionId: petition.id });
    const organiser = petition.createdBy !== null ? await store.findUserById(petition.createdBy) : undefined;
    const all: ReviewForms = { hide: forms.hide ?? emptyForm(), reject: forms.reject ?? emptyForm(), restore: forms.restore ?? emptyForm(), dismiss: forms['dismiss-reports'] ?? emptyForm() };
    const page = (
      <AdminReviewPage
        petition={petition}
        organiserEmail={organiser?.email ?? null}
        reasons={queued?.reasons ?? []}
        reports={await store.listReports(petition.id)}
        edits={await store.listEdits(petition.id)}
        decisions={availableDecisions(reviewedPetition(petition))}
        forms={all}
        staff={staff}
        csrf={reply.generateCsrf()}
      />
    );
    return adminHtml(reply, renderPage(page), status);
  }

  app.get<SlugParams>('/admin/petitions/:slug', async (request, reply) => showReview(reply, staffOf(request), request.params.slug));

  for (const decision of MODERATION_DECISIONS) {
    app.post<SlugParams>(`/admin/petitions/:slug/${decision}`, protectedForm, async (request, reply) => {
      const staff = staffOf(request);
      const raw = asRecord(request.body);
      const result = await attemptForm(raw, () => moderatePetition(services, staff, request.params.slug, decision, raw));
      if (!result.ok) return showReview(reply, staff, request.params.slug, { [decision]: result.form }, 422);
      return reply.redirect(`/admin/queue?done=${decision}`, 303);
    });
  }

  app.post<SlugParams>('/admin/petitions/:slug/dismiss-reports', protectedForm, async (request, reply) => {
    const staff = staffOf(request);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => dismissReports(services, staff, request.params.slug, raw));
    if (!result.ok) return showReview(reply, staff, request.params.slug, { 'dismiss-reports': result.form }, 422);
    return reply.redirect('/admin/queue?done=dismiss-reports', 303);
  });
}
