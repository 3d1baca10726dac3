import { validationError } from '../domain/errors.ts';
import { REPORT_DETAILS_MAX, REPORT_REASON_VALUES, type ReportReason } from '../domain/reports.ts';
import type { Petition } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { requireVisible } from './visible-petition.ts';

/** The petition a reader may report: one they can see. */
export const reportablePetition = (ctx: ServiceContext, slug: string): Promise<Petition> => requireVisible(ctx.store, slug);

/** A reader reports a petition: the report joins the review queue. Nothing about the reader is stored. */
export async function reportPetition(ctx: ServiceContext, slug: string, raw: Record<string, unknown>): Promise<Petition> {
  const petition = await reportablePetition(ctx, slug);
  const f = new FieldReader(raw);
  const reason = f.text('reason', { label: 'A reason', max: 40 });
  if (!reason || !(REPORT_REASON_VALUES as readonly string[]).includes(reason)) f.addError('reason', 'Choose what is wrong with it.');
  const details = f.text('details', { label: 'The details', max: REPORT_DETAILS_MAX, multiline: true });
  if (reason === 'other' && !details && !f.errors.details) f.addError('details', 'Tell us what is wrong with it.');
  if (!f.ok) throw validationError(f.errors);
  await ctx.store.createReport({ petitionId: petition.id, reason: reason as ReportReason, details, at: ctx.clock() });
  return petition;
}
