import { BANNER_MAX } from '../../domain/site-settings.ts';
import { AdminPage, type StaffView } from './admin-layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, TextField, type FormState } from './form-fields.tsx';

/** The kill switches and the banner: for emergencies, and for telling everyone about them. */
export function AdminSettingsPage({ form, notice, ...view }: StaffView & { form: FormState; notice?: string }) {
  return (
    <AdminPage title="Site settings" notice={notice} {...view}>
      <form method="post" action="/admin/settings" class="stack-form" novalidate>
        <ErrorSummary form={form} />
        <CsrfField token={view.csrf} />
        <fieldset class="field">
          <legend>Kill switches</legend>
          <Checkbox form={form} name="signingPaused" label="Pause signing: sign forms are replaced by a notice and the API answers 503" />
          <Checkbox form={form} name="startingPaused" label="Pause starting petitions: the start form and the API answer 503" />
        </fieldset>
        <TextField form={form} name="banner" label="Banner (optional)" hint="One line shown at the top of every page. Leave it empty for none." maxLength={BANNER_MAX} />
        <button type="submit" class="button">
          Save the settings
        </button>
      </form>
    </AdminPage>
  );
}
