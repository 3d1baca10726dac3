import type { Petition } from '../../store/records.ts';
import { CURRENT_CONSENT, withKind } from '../../domain/consent.ts';
import { Checkbox, ErrorSummary, TextField, type FormState } from './form-fields.tsx';
import { SIGNATURE_LIMITS } from '../../domain/fields.ts';

export type SignFormState = FormState;

/** The sign form; on error it keeps what was typed and links each message to its field. */
export function SignForm({ petition, state }: { petition: Petition; state: SignFormState }) {
  const verb = petition.kind === 'pledge' ? 'Pledge' : 'Sign';
  return (
    <form method="post" action={`/petitions/${petition.slug}/signatures`} class="sign-form" novalidate>
      <h2 id="sign-heading">{petition.kind === 'pledge' ? 'Take the pledge' : 'Sign this petition'}</h2>
      <ErrorSummary form={state} headingLevel={3} />
      <TextField form={state} name="name" label="Your name" autocomplete="name" required maxLength={SIGNATURE_LIMITS.name} />
      <TextField form={state} name="email" label="Your email address" type="email" autocomplete="email" required hint="We email you a link to confirm." maxLength={SIGNATURE_LIMITS.email} />
      {/* Side by side, so the button stays within a phone's first screen (375 × 667). */}
      <div class="field-pair">
        <TextField form={state} name="postcode" label="Postcode (optional)" autocomplete="postal-code" maxLength={SIGNATURE_LIMITS.postcode} />
        <TextField form={state} name="country" label="Country (optional)" autocomplete="country-name" maxLength={SIGNATURE_LIMITS.country} />
      </div>
      <Checkbox form={state} name="consent" label={withKind(CURRENT_CONSENT.updatesLabel, petition.kind)} />
      <button type="submit" class="button" aria-describedby="consent-notice">
        {verb}
      </button>
      {/* Right under the button, and read out with it: what happens to what was typed. */}
      <p class="hint consent-notice" id="consent-notice">
        {withKind(CURRENT_CONSENT.notice, petition.kind)} <a href="/privacy">Privacy</a>
      </p>
    </form>
  );
}
