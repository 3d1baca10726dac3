import type { ComponentChildren } from 'preact';
import type { User } from '../../store/records.ts';
import { isAdministrator } from '../../domain/staff.ts';
import { Layout } from './layout.tsx';
import { CsrfField } from './form-fields.tsx';

export interface StaffView {
  staff: User;
  csrf: string;
}

/** Every page of the admin area: where staff can go, who is signed in, and the way out. */
export function AdminPage({ title, staff, csrf, notice, children }: StaffView & { title: string; notice?: string; children: ComponentChildren }) {
  return (
    <Layout meta={{ title, noindex: true }}>
      <nav class="admin-nav" aria-label="Administration">
        <ul class="action-links">
          <li>
            <a href="/admin/queue">Review queue</a>
          </li>
          {isAdministrator(staff.role) && (
            <>
              <li>
                <a href="/admin/audit">Audit log</a>
              </li>
              <li>
                <a href="/admin/settings">Site settings</a>
              </li>
            </>
          )}
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
