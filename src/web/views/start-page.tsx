import type { Category } from '../../store/records.ts';
import { Layout } from './layout.tsx';
import { Checkbox, ErrorSummary, SelectField, TextArea, TextField, type FormState } from './form-fields.tsx';
import { GAZETTEER_CREDIT } from '../../geo/gazetteer.ts';
import { PETITION_LIMITS } from '../../domain/fields.ts';

/** The fields of a petition, shared by the start form and the organiser's edit form. */
export function PetitionFields({ form, categories, withKind }: { form: FormState; categories: Category[]; withKind: boolean }) {
  return (
    <>
      {withKind && (
        <fieldset class="field">
          <legend>What are you starting?</legend>
          {[
            ['petition', 'A petition: people sign to ask the target for something'],
            ['pledge', 'A pledge: people promise to do (or not do) something themselves'],
          ].map(([value, label]) => (
            <div class="radio">
              <input type="radio" id={`field-kind-${value}`} name="kind" value={value} checked={(form.values.kind || 'petition') === value} />
              <label for={`field-kind-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
      )}
      <TextField form={form} name="target" label="To: who can make this happen?" hint="A person or organisation, e.g. “Vice-Chancellor, University of Leeds”." required maxLength={PETITION_LIMITS.target} />
      <TextField form={form} name="title" label="Title" hint="A short, clear demand." required maxLength={PETITION_LIMITS.title} />
      <TextArea form={form} name="body" label="What it asks" required maxLength={PETITION_LIMITS.body} rows={6} />
      <TextArea form={form} name="why" label="Why is this important?" required maxLength={PETITION_LIMITS.why} rows={6} />
      <SelectField form={form} name="category" label="Category" options={[{ value: '', label: 'Choose a category (optional)' }, ...categories.map((c) => ({ value: c.slug, label: c.name }))]} />
      <TextField form={form} name="location" label="Location (optional)" hint={`A town or city, with its country if needed: “Cambridge, UK”. ${GAZETTEER_CREDIT}.`} maxLength={PETITION_LIMITS.location} />
      <Checkbox form={form} name="locationWithoutMap" label="Save it without a map if the place cannot be found" />
      <TextField form={form} name="goal" label="Goal (optional)" type="number" hint="How many signatures you aim for. Left empty, the goal rises with each milestone." />
      <TextField form={form} name="closesAt" label="Closing date (optional)" type="date" hint="Signing stops at the start of this day (UTC)." />
    </>
  );
}

export function StartPage({ form, categories }: { form: FormState; categories: Category[] }) {
  return (
    <Layout meta={{ title: 'Start a petition or pledge' }}>
      <h1>Start a petition or pledge</h1>
      <p class="lede">No account needed: we email you a link to confirm it and to manage it later. Your email address is never shown.</p>
      <form method="post" action="/petitions/new" novalidate class="stack-form">
        <ErrorSummary form={form} />
        <PetitionFields form={form} categories={categories} withKind />
        <h2>About you</h2>
        <TextField form={form} name="organiserName" label="Your name" autocomplete="name" required maxLength={PETITION_LIMITS.organiserName} />
        <TextField form={form} name="organiserEmail" label="Your email address" type="email" autocomplete="email" required hint="We send the link to confirm your petition here." />
        <button type="submit" class="button">
          Start it
        </button>
      </form>
    </Layout>
  );
}
