import type { Petition } from '../../store/records.ts';
import { REPORT_DETAILS_MAX, REPORT_REASONS } from '../../domain/reports.ts';
import { Layout } from './layout.tsx';
import { ErrorSummary, TextArea, type FormState } from './form-fields.tsx';

/** "Report this petition": a reason from a short list and, if wanted, a few words. */
export function ReportPage({ petition: p, form }: { petition: Petition; form: FormState }) {
  const error = form.errors.reason;
  return (
    <Layout meta={{ title: `Report: ${p.title}`, noindex: true }}>
      <p>
        <a href={`/petitions/${p.slug}`}>Back to the {p.kind}</a>
      </p>
      <h1>Report “{p.title}”</h1>
      <p>Moderators read every report. We do not ask who you are, and the organiser is not told who reported it.</p>
      <form method="post" action={`/petitions/${p.slug}/report`} class="stack-form" novalidate>
        <ErrorSummary form={form} />
        <fieldset class={error ? 'field field-error' : 'field'} aria-describedby={error ? 'error-reason' : undefined}>
          <legend>What is wrong with it?</legend>
          {error && (
            <p class="error-message" id="error-reason">
              {error}
            </p>
          )}
          {REPORT_REASONS.map((r, i) => (
            <div class="radio">
              {/* The first option carries the field's id, so the error summary's link lands on the group. */}
              <input type="radio" id={i === 0 ? 'field-reason' : `field-reason-${r.value}`} name="reason" value={r.value} checked={form.values.reason === r.value} />
              <label for={i === 0 ? 'field-reason' : `field-reason-${r.value}`}>{r.label}</label>
            </div>
          ))}
        </fieldset>
        <TextArea form={form} name="details" label="Details (optional, needed for “Something else”)" rows={4} maxLength={REPORT_DETAILS_MAX} />
        <button type="submit" class="button">
          Send the report
        </button>
      </form>
    </Layout>
  );
}
