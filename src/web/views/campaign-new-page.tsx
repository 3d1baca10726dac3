import { LOCKABLE_FIELDS, type Category, type LockableField } from '../../store/records.ts';
import { Layout } from './layout.tsx';
import { CsrfField, ErrorSummary, SelectField, TextArea, TextField, fieldIds, type FormState } from './form-fields.tsx';
import { PETITION_LIMITS } from '../../domain/fields.ts';

const LOCK_LABELS: Record<LockableField, string> = {
  body: 'What it asks',
  why: 'Why it is important',
  kind: 'Petition or pledge',
  category: 'Category',
  goal: 'Goal',
};

/** Which fields local organisers may not change: one checkbox each, all under one name. */
function LockedFields({ form }: { form: FormState }) {
  const ticked = new Set((form.values.lockedFields ?? '').split(','));
  const ids = fieldIds(form, 'lockedFields');
  const error = form.errors.lockedFields;
  return (
    <fieldset class={error ? 'field field-error' : 'field'} id={ids.control} aria-describedby={error ? ids.error : ids.hint}>
      <legend>Fields local organisers cannot change (optional)</legend>
      <p class="hint" id={ids.hint}>
        Local petitions take all of these from the campaign. Ticked ones cannot be given differently.
      </p>
      {error && (
        <p class="error-message" id={ids.error}>
          {error}
        </p>
      )}
      {LOCKABLE_FIELDS.map((field) => (
        <div class="checkbox">
          <input type="checkbox" id={`${ids.control}-${field}`} name="lockedFields" value={field} checked={ticked.has(field)} />
          <label for={`${ids.control}-${field}`}>{LOCK_LABELS[field]}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** `/campaigns/new`: a signed-in organiser words a campaign; local organisers then add target and place. */
export function NewCampaignPage({ form, categories, csrf }: { form: FormState; categories: Category[]; csrf: string }) {
  return (
    <Layout meta={{ title: 'Start a campaign', noindex: true }}>
      <h1>Start a campaign</h1>
      <p class="lede">
        A campaign words one demand for many places. Local organisers start its local petitions in a minute: they give a target and a place, and the title reads “Campaign
        title: Target”.
      </p>
      <form method="post" action="/campaigns/new" novalidate class="stack-form">
        <CsrfField token={csrf} />
        <ErrorSummary form={form} />
        <fieldset class={form.errors.kind ? 'field field-error' : 'field'} id={fieldIds(form, 'kind').control}>
          <legend>Do local organisers start petitions or pledges?</legend>
          {form.errors.kind && (
            <p class="error-message" id={fieldIds(form, 'kind').error}>
              {form.errors.kind}
            </p>
          )}
          {[
            ['petition', 'Petitions: people sign to ask each target for something'],
            ['pledge', 'Pledges: people promise to do (or not do) something themselves'],
          ].map(([value, label]) => (
            <div class="radio">
              <input type="radio" id={`field-kind-${value}`} name="kind" value={value} checked={(form.values.kind || 'petition') === value} />
              <label for={`field-kind-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
        <TextField form={form} name="title" label="Campaign title" hint="Local titles read “Campaign title: Target”, so keep it short." required maxLength={PETITION_LIMITS.title} />
        <TextArea form={form} name="body" label="What it asks" required maxLength={PETITION_LIMITS.body} rows={6} />
        <TextArea form={form} name="why" label="Why is this important?" required maxLength={PETITION_LIMITS.why} rows={6} />
        <SelectField form={form} name="category" label="Category" options={[{ value: '', label: 'Choose a category (optional)' }, ...categories.map((c) => ({ value: c.slug, label: c.name }))]} />
        <TextField form={form} name="goal" label="Goal of each local petition (optional)" type="number" hint="Left empty, each starts at 100 and rises with its milestones." />
        <LockedFields form={form} />
        <button type="submit" class="button">
          Start the campaign
        </button>
      </form>
    </Layout>
  );
}
