import type { Petition } from '../../store/records.ts';
import { ErrorSummary } from './form-fields.tsx';

export interface SignFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

const FIELDS: Array<{ name: string; label: string; type: 'text' | 'email'; autocomplete: string; required: boolean; hint?: string }> = [
  { name: 'name', label: 'Your name', type: 'text', autocomplete: 'name', required: true },
  { name: 'email', label: 'Your email address', type: 'email', autocomplete: 'email', required: true, hint: 'We send you a link to confirm. It is never shown to anyone.' },
  { name: 'postcode', label: 'Postcode (optional)', type: 'text', autocomplete: 'postal-code', required: false },
  { name: 'country', label: 'Country (optional)', type: 'text', autocomplete: 'country-name', required: false },
];

/** The sign form; on error it keeps what was typed and links each message to its field. */
export function SignForm({ petition, state }: { petition: Petition; state: SignFormState }) {
  const verb = petition.kind === 'pledge' ? 'Pledge' : 'Sign';
  return (
    <form method="post" action={`/petitions/${petition.slug}/signatures`} class="sign-form" novalidate>
      <h2 id="sign-heading">{petition.kind === 'pledge' ? 'Take the pledge' : 'Sign this petition'}</h2>
      <ErrorSummary form={state} headingLevel={3} />
      {FIELDS.map((field) => {
        const error = state.errors[field.name];
        const describedBy = [field.hint ? `hint-${field.name}` : '', error ? `error-${field.name}` : ''].filter(Boolean).join(' ');
        return (
          <div class={error ? 'field field-error' : 'field'}>
            <label for={`field-${field.name}`}>{field.label}</label>
            {field.hint && (
              <p class="hint" id={`hint-${field.name}`}>
                {field.hint}
              </p>
            )}
            {error && (
              <p class="error-message" id={`error-${field.name}`}>
                {error}
              </p>
            )}
            <input
              id={`field-${field.name}`}
              name={field.name}
              type={field.type as 'text'}
              autocomplete={field.autocomplete}
              required={field.required}
              value={state.values[field.name] ?? ''}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={describedBy || undefined}
            />
          </div>
        );
      })}
      <div class="field checkbox">
        <input id="field-consent" name="consent" type="checkbox" value="yes" checked={state.values.consent === 'yes'} />
        <label for="field-consent">Keep me updated about this {petition.kind} by email</label>
      </div>
      <button type="submit" class="button">
        {verb}
      </button>
    </form>
  );
}
