import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { applyInvalidation, countFlaggedSignatures, previewInvalidation, resolveAlert } from '../../services/invalidate-signatures.ts';
import { endStaffSessions } from '../../services/staff-sessions.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { STAFF_COOKIE } from '../session.ts';
import { emptyForm } from '../views/form-fields.tsx';
import { AdminAlertsPage, AdminInvalidatePage, AdminStaffPage } from '../views/admin-trust-pages.tsx';
import { attemptForm, typedValues } from './forms.ts';
import { writeRateLimit } from './rate-limits.ts';
import { adminHtml, type StaffOf } from './admin-html.ts';

const ALERT_NOTICES: Record<string, string> = {
  resolved: 'The alert is resolved.',
  counted: 'The petition’s flagged signatures now count, and its count is recomputed.',
};

/**
 * Fraud tools and staff sessions in the admin area, for moderators and administrators: the same
 * services as the staff API, so both doors write the same audit rows.
 */
export function trustAdminRoutes(app: FastifyInstance, deps: AppDeps, staffOf: StaffOf): void {
  const { services } = deps;
  const { store } = services;
  const protectedForm = { preValidation: app.csrfProtection, config: writeRateLimit };

  app.get<{ Querystring: { done?: string } }>('/admin/alerts', async (request, reply) => {
    const alerts = await store.listOpenSigningAlerts(200);
    return adminHtml(reply, renderPage(<AdminAlertsPage alerts={alerts} staff={staffOf(request)} csrf={reply.generateCsrf()} notice={ALERT_NOTICES[request.query.done ?? '']} />));
  });

  app.post<{ Params: { id: string } }>('/admin/alerts/:id/resolve', protectedForm, async (request, reply) => {
    await resolveAlert(services, staffOf(request), Number(request.params.id));
    return reply.redirect('/admin/alerts?done=resolved', 303);
  });

  app.post<{ Params: { slug: string } }>('/admin/petitions/:slug/count-flagged', protectedForm, async (request, reply) => {
    await countFlaggedSignatures(services, staffOf(request), request.params.slug);
    return reply.redirect('/admin/alerts?done=counted', 303);
  });

  // The form can arrive filled in from an alert (?alert=) or a petition's review page (?petition=).
  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/invalidate', async (request, reply) => {
    const values = typedValues({ alert: request.query.alert, petition: request.query.petition, domain: request.query.domain });
    const notice = request.query.done ? `Invalidated ${request.query.done} signatures; the counts are recomputed.` : undefined;
    return adminHtml(reply, renderPage(<AdminInvalidatePage form={emptyForm(values)} notice={notice && /^\d+$/.test(request.query.done ?? '') ? notice : undefined} staff={staffOf(request)} csrf={reply.generateCsrf()} />));
  });

  app.post('/admin/invalidate', protectedForm, async (request, reply) => {
    const staff = staffOf(request);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => previewInvalidation(services, staff, raw));
    const form = result.ok ? emptyForm(typedValues(raw)) : result.form;
    return adminHtml(reply, renderPage(<AdminInvalidatePage form={form} preview={result.ok ? result.value : undefined} staff={staff} csrf={reply.generateCsrf()} />), result.ok ? 200 : 422);
  });

  app.post('/admin/invalidate/apply', protectedForm, async (request, reply) => {
    const staff = staffOf(request);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => applyInvalidation(services, staff, raw));
    if (!result.ok) return adminHtml(reply, renderPage(<AdminInvalidatePage form={result.form} staff={staff} csrf={reply.generateCsrf()} />), 422);
    return reply.redirect(`/admin/invalidate?done=${result.value.invalidated}`, 303);
  });

  app.get<{ Querystring: { done?: string } }>('/admin/staff', async (request, reply) => {
    const members = await store.listStaff(services.clock());
    const notice = request.query.done === 'ended' ? 'Those sessions are ended: the browsers are signed out.' : undefined;
    return adminHtml(reply, renderPage(<AdminStaffPage members={members} notice={notice} staff={staffOf(request)} csrf={reply.generateCsrf()} />));
  });

  app.post<{ Params: { id: string } }>('/admin/staff/:id/end-sessions', protectedForm, async (request, reply) => {
    const staff = staffOf(request);
    const id = Number(request.params.id);
    await endStaffSessions(services, staff, id);
    if (id !== staff.id) return reply.redirect('/admin/staff?done=ended', 303);
    reply.clearCookie(STAFF_COOKIE, { path: '/admin' });
    return reply.redirect('/admin/sign-in?done=signed-out', 303);
  });
}
