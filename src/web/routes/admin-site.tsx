import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { AppError } from '../../domain/errors.ts';
import { isAdministrator } from '../../domain/staff.ts';
import type { User } from '../../store/records.ts';
import { changeSiteSettings } from '../../services/site-settings.ts';
import { asRecord } from '../../services/field-reader.ts';
import { renderPage } from '../render.ts';
import { emptyForm } from '../views/form-fields.tsx';
import { AdminAuditPage } from '../views/admin-audit-page.tsx';
import { AdminSettingsPage } from '../views/admin-settings-page.tsx';
import { AdminMailPage } from '../views/admin-mail-page.tsx';
import { attemptForm } from './forms.ts';
import { writeRateLimit } from './rate-limits.ts';
import { adminHtml, type StaffOf } from './admin-html.ts';

const AUDIT_PAGE = 100;

/** The audit log and the site settings: administrators only (moderators get 403). The mail queue: all staff. */
export function siteAdminRoutes(app: FastifyInstance, deps: AppDeps, staffOf: StaffOf): void {
  const { services } = deps;
  const settings = deps.siteSettings!;

  const administrator = (request: FastifyRequest): User => {
    const staff = staffOf(request);
    if (!isAdministrator(staff.role)) throw new AppError('FORBIDDEN', 'Only administrators can see this page.');
    return staff;
  };

  app.get('/admin/mail', async (request, reply) => {
    const now = services.clock();
    const backlog = await services.store.mailBacklog(now);
    const relay = deps.mailDeliveryState?.().relay ?? null;
    return adminHtml(reply, renderPage(<AdminMailPage backlog={backlog} now={now} relay={relay} staff={staffOf(request)} csrf={reply.generateCsrf()} />));
  });

  app.get<{ Querystring: { before?: string } }>('/admin/audit', async (request, reply) => {
    const staff = administrator(request);
    const before = /^\d{1,15}$/.test(request.query.before ?? '') ? Number(request.query.before) : null;
    const actions = await services.store.listModerationActions({ limit: AUDIT_PAGE, before });
    const olderHref = actions.length === AUDIT_PAGE ? `/admin/audit?before=${actions[actions.length - 1]!.id}` : null;
    return adminHtml(reply, renderPage(<AdminAuditPage actions={actions} olderHref={olderHref} staff={staff} csrf={reply.generateCsrf()} />));
  });

  app.get<{ Querystring: { done?: string } }>('/admin/settings', async (request, reply) => {
    const staff = administrator(request);
    const now = await settings.current();
    const form = emptyForm({ signingPaused: now.signingPaused ? 'yes' : '', startingPaused: now.startingPaused ? 'yes' : '', banner: now.banner ?? '' });
    const notice = request.query.done === 'saved' ? 'The settings are saved. Other servers pick them up within a few seconds.' : undefined;
    return adminHtml(reply, renderPage(<AdminSettingsPage form={form} notice={notice} staff={staff} csrf={reply.generateCsrf()} />));
  });

  app.post('/admin/settings', { preValidation: app.csrfProtection, config: writeRateLimit }, async (request, reply) => {
    const staff = administrator(request);
    const raw = asRecord(request.body);
    const result = await attemptForm(raw, () => changeSiteSettings(services, settings, staff, raw));
    if (!result.ok) return adminHtml(reply, renderPage(<AdminSettingsPage form={result.form} staff={staff} csrf={reply.generateCsrf()} />), 422);
    return reply.redirect('/admin/settings?done=saved', 303);
  });
}
