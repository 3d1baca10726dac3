import type { OutgoingMail } from '../store/records.ts';
import { actionStyle, buttonStyle, leadStyle, paragraphStyle, renderMailHtml } from './layout.tsx';
import { plainTextMail, privacyUrlFor } from './plain-text.ts';

export interface MagicLinkMail {
  to: string;
  link: string;
  /** The petition being confirmed, or null for a plain sign-in. */
  petitionTitle: string | null;
  validForHours: number;
}

/** The organiser's magic link: confirms a new petition, or signs them back in. Works once. The text holds that one link. */
export function magicLinkMail(m: MagicLinkMail): OutgoingMail {
  const subject = m.petitionTitle ? `Confirm your petition: ${m.petitionTitle}` : 'Your link to sign in to Undersign';
  const purpose = (open: string, close: string) =>
    m.petitionTitle ? `confirm ${open}${m.petitionTitle}${close} and manage it` : 'sign in and manage your petitions';
  const validity = `The link works once, within ${m.validForHours} hour${m.validForHours === 1 ? '' : 's'}.`;
  const ignore = 'If you did not ask for it, ignore this email: nothing happens without the link.';
  const why = m.petitionTitle
    ? 'You get this email because someone, we hope you, started a petition on Undersign with this address.'
    : 'You get this email because someone, we hope you, asked to sign in to Undersign with this address.';
  const text = plainTextMail(['Hello,', `Follow this link to ${purpose('"', '"')}:`, m.link, `${validity} ${ignore}`], ['Undersign', why]);
  const html = renderMailHtml(
    subject,
    <>
      <p style={paragraphStyle}>Hello,</p>
      <p style={leadStyle}>{m.petitionTitle ? 'Confirm your petition' : 'Sign in to Undersign'}</p>
      <p style={paragraphStyle}>Follow this link to {purpose('“', '”')}:</p>
      <p style={actionStyle}>
        <a href={m.link} style={buttonStyle}>
          {m.petitionTitle ? 'Confirm my petition' : 'Sign in'}
        </a>
      </p>
      <p style={paragraphStyle}>{validity}</p>
      <p style={paragraphStyle}>{ignore}</p>
    </>,
    { preheader: validity, why, privacyUrl: privacyUrlFor(m.link) },
  );
  return { kind: m.petitionTitle ? 'verify-petition' : 'sign-in', to: m.to, subject, text, html };
}
