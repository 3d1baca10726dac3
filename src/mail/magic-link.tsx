import type { OutgoingMail } from '../store/records.ts';
import { buttonStyle, renderMailHtml } from './layout.tsx';

export interface MagicLinkMail {
  to: string;
  link: string;
  /** The petition being confirmed, or null for a plain sign-in. */
  petitionTitle: string | null;
  validForHours: number;
}

/** The organiser's magic link: confirms a new petition, or signs them back in. Works once. */
export function magicLinkMail(m: MagicLinkMail): OutgoingMail {
  const subject = m.petitionTitle ? `Confirm your petition: ${m.petitionTitle}` : 'Your link to sign in to Undersign';
  const purpose = m.petitionTitle ? `confirm “${m.petitionTitle}” and manage it` : 'sign in and manage your petitions';
  const validity = `The link works once, within ${m.validForHours} hour${m.validForHours === 1 ? '' : 's'}.`;
  const text = [
    'Hello,',
    '',
    `Follow this link to ${purpose.replace(/[“”]/g, '"')}:`,
    '',
    m.link,
    '',
    validity,
    'If you did not ask for it, ignore this email: nothing happens without the link.',
  ].join('\n');
  const html = renderMailHtml(
    subject,
    <>
      <p>Hello,</p>
      <p>Follow this link to {purpose}:</p>
      <p>
        <a href={m.link} style={buttonStyle}>
          {m.petitionTitle ? 'Confirm my petition' : 'Sign in'}
        </a>
      </p>
      <p>{validity}</p>
      <p>If you did not ask for it, ignore this email: nothing happens without the link.</p>
    </>,
  );
  return { kind: m.petitionTitle ? 'verify-petition' : 'sign-in', to: m.to, subject, text, html };
}
