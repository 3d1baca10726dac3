import { Layout } from './layout.tsx';
import { CsrfField, ErrorSummary, TextField, type FormState } from './form-fields.tsx';
import { EMAIL_MAX } from '../../domain/fields.ts';

/** Staff sign in here with their password (organisers use the emailed link at /sign-in). */
export function AdminSignInPage({ form, csrf, signedOut }: { form: FormState; csrf: string; signedOut?: boolean }) {
  return (
    <Layout meta={{ title: 'Sign in: moderators and administrators', noindex: true }}>
      <h1>Sign in to moderate</h1>
      {signedOut && (
        <p class="notice" role="status">
          You are signed out.
        </p>
      )}
      <p>
        For moderators and administrators. If you started a petition, <a href="/sign-in">sign in with an emailed link</a> instead.
      </p>
      <form method="post" action="/admin/sign-in" class="stack-form" novalidate>
        <ErrorSummary form={form} />
        <CsrfField token={csrf} />
        <TextField form={form} name="email" label="Email address" type="email" autocomplete="username" required maxLength={EMAIL_MAX} />
        <TextField form={form} name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit" class="button">
          Sign in
        </button>
      </form>
    </Layout>
  );
}
