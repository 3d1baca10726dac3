import type { ComponentChildren } from 'preact';

export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Set when a page holds two forms with the same field names, so every id stays unique. */
  idPrefix?: string;
}

/** The ids of a field's control, hint and error message. */
export const fieldIds = (form: FormState, name: string) => {
  const p = form.idPrefix ? `${form.idPrefix}-` : '';
  return { control: `${p}field-${name}`, hint: `${p}hint-${name}`, error: `${p}error-${name}` };
};

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

interface FieldProps {
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
}

/** Label, hint and error tied to the control by id, so screen readers read them together. */
function FieldFrame({ form, name, label, hint, children }: FieldProps & { children: ComponentChildren }) {
  const error = form.errors[name];
  const ids = fieldIds(form, name);
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={ids.control}>{label}</label>
      {hint && (
        <p class="hint" id={ids.hint}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={ids.error}>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

const describedBy = (form: FormState, name: string, hint?: string) => {
  const ids = fieldIds(form, name);
  return [hint ? ids.hint : '', form.errors[name] ? ids.error : ''].filter(Boolean).join(' ') || undefined;
};

export function TextField(props: FieldProps & { type?: 'text' | 'email' | 'url' | 'date' | 'datetime-local' | 'number' | 'password'; autocomplete?: string; maxLength?: number }) {
  const { form, name, hint } = props;
  return (
    <FieldFrame {...props}>
      <input
        id={fieldIds(form, name).control}
        name={name}
        type={(props.type ?? 'text') as 'text'}
        autocomplete={props.autocomplete}
        maxLength={props.maxLength}
        required={props.required}
        value={form.values[name] ?? ''}
        aria-invalid={form.errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(form, name, hint)}
      />
    </FieldFrame>
  );
}

export function TextArea(props: FieldProps & { rows?: number; maxLength?: number }) {
  const { form, name, hint } = props;
  return (
    <FieldFrame {...props}>
      <textarea
        id={fieldIds(form, name).control}
        name={name}
        rows={props.rows ?? 6}
        maxLength={props.maxLength}
        required={props.required}
        aria-invalid={form.errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(form, name, hint)}
      >
        {form.values[name] ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(props: FieldProps & { options: Array<{ value: string; label: string }> }) {
  const { form, name, hint } = props;
  return (
    <FieldFrame {...props}>
      <select id={fieldIds(form, name).control} name={name} aria-invalid={form.errors[name] ? 'true' : undefined} aria-describedby={describedBy(form, name, hint)}>
        {props.options.map((o) => (
          <option value={o.value} selected={(form.values[name] ?? '') === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function Checkbox({ form, name, label }: { form: FormState; name: string; label: string }) {
  return (
    <div class="field checkbox">
      <input id={fieldIds(form, name).control} name={name} type="checkbox" value="yes" checked={form.values[name] === 'yes'} />
      <label for={fieldIds(form, name).control}>{label}</label>
    </div>
  );
}

/** Every problem at the top, each a link to its field; focused by the page so it is announced. */
export function ErrorSummary({ form, headingLevel = 2 }: { form: FormState; headingLevel?: 2 | 3 }) {
  const entries = Object.entries(form.errors);
  if (entries.length === 0) return null;
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id={form.idPrefix ? `${form.idPrefix}-error-summary` : 'error-summary'} autoFocus>
      <Heading>There is a problem</Heading>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${fieldIds(form, field).control}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;
