import type { OutgoingMail } from '../store/records.ts';
import type { PetitionKind } from '../domain/petition.ts';
import { actionStyle, buttonStyle, leadStyle, linkStyle, paragraphStyle, renderMailHtml } from './layout.tsx';
import { plainTextMail, privacyUrlFor } from './plain-text.ts';

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
  const signing = m.kind === 'pledge' ? 'pledging' : 'signing';
  const sign = m.kind === 'pledge' ? 'pledge' : 'sign';
  const subject = `Please confirm your ${verb}: ${m.petitionTitle}`;
  const ignore = `If you did not ${sign}, ignore this email: nothing will be counted and we will not write again.`;
  const why = `You get this email because someone, we hope you, used this address to ${sign} on Undersign.`;
  const text = plainTextMail(
    [
      `Hello ${m.name},`,
      `Thank you for ${signing} "${m.petitionTitle}". Your ${verb} counts once you confirm it. Follow this link to confirm:`,
      m.confirmUrl,
      ignore,
      `After confirming you can see what we keep about you, and remove your ${verb}, from the page the link opens.`,
    ],
    ['Undersign', why],
  );
  const html = renderMailHtml(
    subject,
    <>
      <p style={paragraphStyle}>Hello {m.name},</p>
      <p style={leadStyle}>Please confirm your {verb}</p>
      <p style={paragraphStyle}>
        Thank you for {signing} “{m.petitionTitle}”. Your {verb} counts once you confirm it.
      </p>
      <p style={actionStyle}>
        <a href={m.confirmUrl} style={buttonStyle}>
          Confirm my {verb}
        </a>
      </p>
      <p style={paragraphStyle}>{ignore}</p>
      <p style={paragraphStyle}>
        <a href={m.yourDataUrl} style={linkStyle}>
          See what we keep about you, or remove your {verb}
        </a>
      </p>
    </>,
    { preheader: `One click and your ${verb} counts.`, why, privacyUrl: privacyUrlFor(m.confirmUrl) },
  );
  return { kind: 'confirm-signature', to: m.to, subject, text, html };
}
