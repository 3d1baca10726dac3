import type { OutgoingMail } from '../store/records.ts';
import type { PetitionKind } from '../domain/petition.ts';
import { buttonStyle, renderMailHtml } from './layout.tsx';

export interface ConfirmSignatureMail {
  to: string;
  name: string;
  kind: PetitionKind;
  petitionTitle: string;
  confirmUrl: string;
  /** Where the signer sees what is stored about them and can remove it (also linked after confirming). */
  yourDataUrl: string;
}

/**
 * The plain-text body holds exactly one link, the confirmation link, so nobody follows the wrong
 * one; the page it opens links to the signer's own data, as does the HTML version.
 */
export function confirmSignatureMail(m: ConfirmSignatureMail): OutgoingMail {
  const verb = m.kind === 'pledge' ? 'pledge' : 'signature';
  const subject = `Please confirm your ${verb}: ${m.petitionTitle}`;
  const text = [
    `Hello ${m.name},`,
    '',
    `Thank you for ${m.kind === 'pledge' ? 'pledging' : 'signing'} "${m.petitionTitle}".`,
    `Your ${verb} counts once you confirm it. Follow this link to confirm:`,
    '',
    m.confirmUrl,
    '',
    `If you did not ${m.kind === 'pledge' ? 'pledge' : 'sign'}, ignore this email: nothing will be counted and we will not write again.`,
  ].join('\n');
  const html = renderMailHtml(
    subject,
    <>
      <p>Hello {m.name},</p>
      <p>
        Thank you for {m.kind === 'pledge' ? 'pledging' : 'signing'} “{m.petitionTitle}”. Your {verb} counts once you confirm it.
      </p>
      <p>
        <a href={m.confirmUrl} style={buttonStyle}>
          Confirm my {verb}
        </a>
      </p>
      <p>If you did not {m.kind === 'pledge' ? 'pledge' : 'sign'}, ignore this email: nothing will be counted and we will not write again.</p>
      <p>
        <a href={m.yourDataUrl}>See what we keep about you, or remove your {verb}</a>
      </p>
    </>,
  );
  return { kind: 'confirm-signature', to: m.to, subject, text, html };
}
