import type { ComponentChildren } from 'preact';
import type { User } from '../../store/records.ts';
import { isAdministrator } from '../../domain/staff.ts';
import { Layout } from './layout.tsx';
import { CsrfField } from './form-fields.tsx';

export interface StaffView {
  staff: User;
  csrf: string;
}

/** Where staff can go: administrators also read the audit log and change the site settings. */
const adminLinks = (role: string): Array<[string, string]> => [
  ['/admin/queue', 'Review queue'],
  ['/admin/alerts', 'Signing alerts'],
  ['/admin/invalidate', 'Invalidate signatures'],
  ['/admin/mail', 'Mail queue'],
  ['/admin/staff', isAdministrator(role) ? 'Staff and sessions' : 'Your sessions'],
  ...(isAdministrator(role) ? ([['/admin/audit', 'Audit log'], ['/admin/settings', 'Site settings']] as Array<[string, string]>) : []),
];

/** Every page of the admin area: where staff can go, who is signed in, and the way out. */
export function AdminPage({ title, staff, csrf, notice, children }: StaffView & { title: string; notice?: string; children: ComponentChildren }) {
  return (
    <Layout meta={{ title, noindex: true }}>
      <nav class="admin-nav" aria-label="Administration">
        <ul class="action-links">
          {adminLinks(staff.role).map(([href, label]) => (
            <li>
              <a href={href}>{label}</a>
            </li>
          ))}
        </ul>
        <form method="post" action="/admin/sign-out">
          <CsrfField token={csrf} />
          <p>
            Signed in as {staff.email} ({staff.role === 'admin' ? 'administrator' : 'moderator'}).{' '}
            <button type="submit" class="button button-secondary">
              Sign out
            </button>
          </p>
        </form>
      </nav>
      <h1>{title}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {children}
    </Layout>
  );
}
