import type { ModerationAction } from '../../store/moderation-queries.ts';
import type { ModerationActionKind } from '../../domain/moderation.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { When } from './when.tsx';

const ACTION_LABELS: Record<ModerationActionKind, string> = {
  approve: 'Approved',
  hide: 'Hid',
  reject: 'Rejected',
  'dismiss-reports': 'Dismissed reports',
  settings: 'Changed site settings',
  restore: 'Restored',
  invalidate: 'Invalidated signatures',
  'clear-flags': 'Counted flagged signatures',
  'resolve-alert': 'Resolved a signing alert',
  'end-sessions': 'Ended staff sessions',
};

/** Who did what, to which petition, and why: newest first, a page at a time. */
export function AdminAuditPage({ actions, olderHref, ...view }: StaffView & { actions: ModerationAction[]; olderHref: string | null }) {
  return (
    <AdminPage title="Audit log" {...view}>
      {actions.length === 0 ? (
        <p>Nothing has been done yet.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">Moderation actions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Petition</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr>
                <td>
                  <When at={a.createdAt} />
                </td>
                <td>{a.userEmail}</td>
                <td>{ACTION_LABELS[a.action] ?? a.action}</td>
                <td>{a.petition ? <a href={`/admin/petitions/${a.petition.slug}`}>{a.petition.title}</a> : '—'}</td>
                <td>{a.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {olderHref && (
        <p>
          <a href={olderHref}>Older entries</a>
        </p>
      )}
    </AdminPage>
  );
}
