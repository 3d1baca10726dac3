import type { ReviewItem, ReviewReason } from '../../store/moderation-queries.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { formatCount } from './format.ts';
import { When } from './when.tsx';

export const REVIEW_REASON_LABELS: Record<ReviewReason, string> = {
  'awaiting-approval': 'Waiting for approval: not live yet',
  unlisted: 'Live by link, not listed yet',
  edited: 'Its words changed since the last review',
  reported: 'Reported by readers',
};

/** What is waiting for a moderator, oldest first; each entry leads to its review page. */
export function AdminQueuePage({ items, notice, ...view }: StaffView & { items: ReviewItem[]; notice?: string }) {
  return (
    <AdminPage title="Review queue" notice={notice} {...view}>
      {items.length === 0 ? (
        <p>Nothing is waiting for review.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">Petitions waiting for review, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Petition</th>
              <th scope="col">Why it is here</th>
              <th scope="col">Signatures</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ petition: p, reasons, openReports }) => (
              <tr>
                <td>
                  <a href={`/admin/petitions/${p.slug}`}>{p.title}</a>
                  <br />
                  <span class="hint">To: {p.target}</span>
                </td>
                <td>
                  <ul class="reasons">
                    {reasons.map((r) => (
                      <li>{r === 'reported' ? `${REVIEW_REASON_LABELS[r]} (${openReports})` : REVIEW_REASON_LABELS[r]}</li>
                    ))}
                  </ul>
                </td>
                <td>{formatCount(p.signatureCount)}</td>
                <td>
                  <When at={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminPage>
  );
}
