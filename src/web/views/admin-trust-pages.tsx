import type { SigningAlert } from '../../store/fraud-queries.ts';
import type { StaffMember } from '../../store/staff-session-queries.ts';
import { isAdministrator } from '../../domain/staff.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { CsrfField, ErrorSummary, TextField, type FormState } from './form-fields.tsx';
import { formatCount } from './format.ts';
import { When } from './when.tsx';
import { INVALIDATION_LIMITS } from '../../domain/fields.ts';

const ALERT_KIND: Record<SigningAlert['kind'], string> = { address: 'One internet address', domain: 'One email domain', country: 'One country' };

/** What an alert is about, in words: an address is only ever a keyed hash, so it is not shown. */
const alertSubject = (a: SigningAlert) => (a.kind === 'address' ? 'an address (not stored; its keyed hash matches)' : a.key);

/** Where to look into an alert: the invalidation form, filled in with the alert's petition and subject. */
const investigateHref = (a: SigningAlert) => `/admin/invalidate?alert=${a.id}`;

function PostButton({ action, csrf, label, secondary = true }: { action: string; csrf: string; label: string; secondary?: boolean }) {
  return (
    <form method="post" action={action} class="inline-form">
      <CsrfField token={csrf} />
      <button type="submit" class={secondary ? 'button button-secondary' : 'button'}>
        {label}
      </button>
    </form>
  );
}

/** Signing alerts: a jump in signatures from one address, domain or country on one petition. */
export function AdminAlertsPage({ alerts, notice, ...view }: StaffView & { alerts: SigningAlert[]; notice?: string }) {
  return (
    <AdminPage title="Signing alerts" notice={notice} {...view}>
      <p>
        An alert is raised the first time signatures on one petition from one address, one email domain or one country go over the hourly limit.
        Signatures over a limit are kept but flagged: they do not count until a moderator says they are honest.
      </p>
      {alerts.length === 0 ? (
        <p>There are no open alerts.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">Open signing alerts, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Petition</th>
              <th scope="col">Signatures from</th>
              <th scope="col">In the hour</th>
              <th scope="col">Raised</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr>
                <td>
                  <a href={`/admin/petitions/${a.petitionSlug}`}>{a.petitionTitle}</a>
                </td>
                <td>
                  {ALERT_KIND[a.kind]}: {alertSubject(a)}
                </td>
                <td>{formatCount(a.count)}</td>
                <td>
                  <When at={a.createdAt} />
                </td>
                <td class="admin-actions">
                  {a.kind !== 'country' && (
                    <a href={investigateHref(a)} aria-label={`Invalidate signatures behind alert ${a.id}`}>
                      Invalidate…
                    </a>
                  )}
                  <PostButton action={`/admin/petitions/${a.petitionSlug}/count-flagged`} csrf={view.csrf} label="They are honest: count them" />
                  <PostButton action={`/admin/alerts/${a.id}/resolve`} csrf={view.csrf} label="Resolve" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminPage>
  );
}

export interface InvalidationPreview {
  description: string;
  signatures: number;
  counted: number;
  petitions: Array<{ slug: string; signatures: number; counted: number }>;
}

const CRITERIA_FIELDS = ['alert', 'petition', 'address', 'domain', 'from', 'to'] as const;

/**
 * Bulk invalidation in two steps: the criteria, then a preview of how many it hits with a button
 * that carries the same criteria to apply them. Nothing changes until that second post.
 */
export function AdminInvalidatePage({ form, preview, notice, ...view }: StaffView & { form: FormState; preview?: InvalidationPreview; notice?: string }) {
  const alert = form.values.alert;
  return (
    <AdminPage title="Invalidate signatures" notice={notice} {...view}>
      <p>
        Invalidated signatures stay as evidence but never count again, and the petitions’ counts are recomputed exactly. Give at least an address, a domain or a
        time window; a whole petition cannot be invalidated.
      </p>
      {preview && (
        <section class="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">What this would do</h2>
          <p>
            {preview.description}: <strong>{formatCount(preview.signatures)}</strong> signature{preview.signatures === 1 ? '' : 's'}, of which{' '}
            {formatCount(preview.counted)} count now.
          </p>
          {preview.petitions.length > 0 && (
            <ul>
              {preview.petitions.map((p) => (
                <li>
                  <a href={`/admin/petitions/${p.slug}`}>{p.slug}</a>: {formatCount(p.signatures)} ({formatCount(p.counted)} counted)
                </li>
              ))}
            </ul>
          )}
          {preview.signatures > 0 && (
            <form method="post" action="/admin/invalidate/apply" class="stack-form">
              <CsrfField token={view.csrf} />
              {CRITERIA_FIELDS.map((name) => form.values[name] && <input type="hidden" name={name} value={form.values[name]} />)}
              <button type="submit" class="button button-warning">
                Invalidate {formatCount(preview.signatures)} signature{preview.signatures === 1 ? '' : 's'}
              </button>
            </form>
          )}
        </section>
      )}
      <form method="post" action="/admin/invalidate" class="stack-form" novalidate>
        <ErrorSummary form={form} />
        <CsrfField token={view.csrf} />
        {alert ? (
          <>
            <input type="hidden" name="alert" value={alert} />
            <p>
              Signatures behind alert {alert} (its petition and its address or domain). <a href="/admin/invalidate">Start again without the alert</a>
            </p>
          </>
        ) : (
          <>
            <TextField form={form} name="petition" label="Petition (optional)" hint="The petition’s address after /petitions/. Leave it empty to search every petition." maxLength={INVALIDATION_LIMITS.petition} />
            <TextField form={form} name="address" label="Internet address (optional)" hint="IPv4 or IPv6, like 203.0.113.7. Matched for the last 7 days only: older addresses cannot be recognised." maxLength={INVALIDATION_LIMITS.address} />
            <TextField form={form} name="domain" label="Email domain (optional)" hint="Like example.org." maxLength={INVALIDATION_LIMITS.domain} />
          </>
        )}
        <TextField form={form} name="from" type="datetime-local" label="Signed from (optional, UTC)" maxLength={INVALIDATION_LIMITS.from} />
        <TextField form={form} name="to" type="datetime-local" label="Signed before (optional, UTC)" maxLength={INVALIDATION_LIMITS.to} />
        <button type="submit" class="button">
          Show what this would invalidate
        </button>
      </form>
    </AdminPage>
  );
}

/** Who can sign in to /admin, how many browsers each has signed in, and the way to end them. */
export function AdminStaffPage({ members, notice, ...view }: StaffView & { members: StaffMember[]; notice?: string }) {
  const shown = isAdministrator(view.staff.role) ? members : members.filter((m) => m.user.id === view.staff.id);
  return (
    <AdminPage title={isAdministrator(view.staff.role) ? 'Staff and sessions' : 'Your sessions'} notice={notice} {...view}>
      <p>A session is one signed-in browser. It lasts 12 hours; ending it here signs that browser out at once. Setting a new password ends them all.</p>
      <table class="admin-table">
        <caption class="visually-hidden">Staff members and their sessions</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Signed-in browsers</th>
            <th scope="col">Last signed in</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((m) => (
            <tr>
              <td>{m.user.email}</td>
              <td>{m.user.role === 'admin' ? 'administrator' : 'moderator'}</td>
              <td>{formatCount(m.activeSessions)}</td>
              <td>{m.lastSignedIn ? <When at={m.lastSignedIn} /> : 'not in the last 12 hours'}</td>
              <td>
                {m.activeSessions > 0 && (
                  <PostButton action={`/admin/staff/${m.user.id}/end-sessions`} csrf={view.csrf} label={m.user.id === view.staff.id ? 'Sign out everywhere' : `End ${m.user.email}’s sessions`} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminPage>
  );
}
