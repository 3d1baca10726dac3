import type { Petition, PetitionEdit } from '../../store/records.ts';
import type { Report, ReviewReason } from '../../store/moderation-queries.ts';
import type { ModerationDecision } from '../../domain/moderation.ts';
import { reportReasonLabel } from '../../domain/reports.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { REVIEW_REASON_LABELS } from './admin-queue-page.tsx';
import { CsrfField, ErrorSummary, TextArea, type FormState } from './form-fields.tsx';
import { formatCount } from './format.ts';
import { When } from './when.tsx';
import { MODERATION_REASON_MAX } from '../../domain/fields.ts';

export type ReviewForms = Record<'hide' | 'reject' | 'restore' | 'dismiss', FormState>;

export interface ReviewPageProps extends StaffView {
  petition: Petition;
  organiserEmail: string | null;
  reasons: ReviewReason[];
  reports: Report[];
  edits: PetitionEdit[];
  decisions: ModerationDecision[];
  forms: ReviewForms;
}

const Paragraphs = ({ text }: { text: string }) => (
  <>
    {text.split(/\n{2,}/).map((para) => (
      <p>{para}</p>
    ))}
  </>
);

function DecisionForm({ slug, decision, form, csrf, reasonLabel, optional = false, button }: { slug: string; decision: string; form?: FormState; csrf: string; reasonLabel?: string; optional?: boolean; button: string }) {
  return (
    <form method="post" action={`/admin/petitions/${slug}/${decision}`} class="stack-form admin-decision" novalidate>
      <CsrfField token={csrf} />
      {form && <ErrorSummary form={form} headingLevel={3} />}
      {form && reasonLabel && <TextArea form={form} name={decision === 'dismiss-reports' ? 'note' : 'reason'} label={reasonLabel} rows={3} maxLength={MODERATION_REASON_MAX} required={!optional} />}
      <button type="submit" class={decision === 'approve' ? 'button' : 'button button-secondary'}>
        {button}
      </button>
    </form>
  );
}

/** One petition as a moderator needs it: its words, why it is here, its reports, and the decisions it can take. */
export function AdminReviewPage({ petition: p, organiserEmail, reasons, reports, edits, decisions, forms, ...view }: ReviewPageProps) {
  const open = reports.filter((r) => r.resolution === null);
  return (
    <AdminPage title={`Review: ${p.title}`} {...view}>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          {p.state}
          {p.state === 'open' && !p.listed ? ' (not listed)' : ''}
          {p.state === 'hidden' && p.hiddenFrom ? ` (was ${p.hiddenFrom})` : ''}
        </dd>
        <dt>Organiser</dt>
        <dd>{organiserEmail ?? 'none recorded'}</dd>
        <dt>Started</dt>
        <dd>
          <When at={p.createdAt} />
        </dd>
        <dt>{p.kind === 'pledge' ? 'Pledges' : 'Signatures'}</dt>
        <dd>{formatCount(p.signatureCount)}</dd>
        <dt>In the queue</dt>
        <dd>{reasons.length > 0 ? reasons.map((r) => REVIEW_REASON_LABELS[r]).join('; ') : 'No'}</dd>
      </dl>
      <p>
        <a href={`/admin/invalidate?petition=${encodeURIComponent(p.slug)}`}>Invalidate some of its signatures…</a>
      </p>
      <section class="review-text" aria-labelledby="text-heading">
        <h2 id="text-heading">The {p.kind}</h2>
        <p class="target">To: {p.target}</p>
        <p>
          <strong>{p.title}</strong>
        </p>
        <Paragraphs text={p.body} />
        <h3>Why is this important?</h3>
        <Paragraphs text={p.why} />
        {p.location && <p>Location: {p.location.name}</p>}
      </section>
      {edits.length > 0 && (
        <section aria-labelledby="edits-heading">
          <h2 id="edits-heading">Changes since it started</h2>
          <ul>
            {edits.map((e) => (
              <li>
                <When at={e.createdAt} />: {e.field} from “{e.before}” to “{e.after}”
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="reports-heading">
        <h2 id="reports-heading">Reports ({open.length} open)</h2>
        {reports.length === 0 ? (
          <p>No reader has reported it.</p>
        ) : (
          <ul class="reports">
            {reports.map((r) => (
              <li>
                <strong>{reportReasonLabel(r.reason)}</strong> · <When at={r.createdAt} />
                {r.resolution && ` · ${r.resolution}`}
                {r.details && <p>{r.details}</p>}
              </li>
            ))}
          </ul>
        )}
        {open.length > 0 && <DecisionForm slug={p.slug} decision="dismiss-reports" form={{ ...forms.dismiss, idPrefix: 'dismiss' }} csrf={view.csrf} reasonLabel="Note for the audit log (optional)" optional button="Dismiss the open reports" />}
      </section>
      <section aria-labelledby="decide-heading">
        <h2 id="decide-heading">Decide</h2>
        {decisions.length === 0 && <p>No decision can be made about a {p.state} {p.kind}.</p>}
        {decisions.includes('approve') && <DecisionForm slug={p.slug} decision="approve" csrf={view.csrf} button={p.state === 'pending' ? 'Approve: open and list it' : p.listed ? 'Approve: keep it as it is' : 'Approve: list it'} />}
        {decisions.includes('hide') && (
          <DecisionForm slug={p.slug} decision="hide" form={{ ...forms.hide, idPrefix: 'hide' }} csrf={view.csrf} reasonLabel="Reason for hiding (emailed to the organiser and shown on its page)" button="Hide it" />
        )}
        {decisions.includes('reject') && (
          <DecisionForm slug={p.slug} decision="reject" form={{ ...forms.reject, idPrefix: 'reject' }} csrf={view.csrf} reasonLabel="Reason for rejecting (emailed to the organiser)" button="Reject it" />
        )}
        {decisions.includes('restore') && (
          <DecisionForm
            slug={p.slug}
            decision="restore"
            form={{ ...forms.restore, idPrefix: 'restore' }}
            csrf={view.csrf}
            reasonLabel="Note to the organiser (optional)"
            optional
            button={`Restore it: ${p.hiddenFrom ?? 'closed'} and listed again`}
          />
        )}
      </section>
    </AdminPage>
  );
}
