import type { OutgoingMail } from '../store/records.ts';
import { actionStyle, buttonStyle, linkStyle, MUTED, paragraphStyle, renderMailHtml } from './layout.tsx';
import { plainTextMail, privacyUrlFor } from './plain-text.ts';

export interface PetitionUpdateMail {
  to: string;
  type: 'update' | 'victory';
  petitionTitle: string;
  petitionUrl: string;
  text: string;
  link: string | null;
  unsubscribeUrl: string;
}

/** An organiser's update or victory, sent to signers who asked to be kept updated; one-click unsubscribe. */
export function petitionUpdateMail(m: PetitionUpdateMail): OutgoingMail {
  const subject = m.type === 'victory' ? `Victory: ${m.petitionTitle}` : `Update: ${m.petitionTitle}`;
  const intro = (open: string, close: string) =>
    m.type === 'victory' ? `Good news about ${open}${m.petitionTitle}${close}: it has won.` : `An update on ${open}${m.petitionTitle}${close}:`;
  const why = 'You get this email because you signed and asked to be kept updated.';
  const privacyUrl = privacyUrlFor(m.petitionUrl);
  const paragraphs = m.text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  const text = plainTextMail(
    [
      'Hello,',
      intro('"', '"'),
      ...paragraphs,
      m.link && `Read more: ${m.link}`,
      `The petition: ${m.petitionUrl}`,
    ],
    ['Undersign', why, `Stop these emails: ${m.unsubscribeUrl}`, `How we handle your data: ${privacyUrl}`],
  );
  const html = renderMailHtml(
    subject,
    <>
      <p style={paragraphStyle}>Hello,</p>
      <p style={paragraphStyle}>{intro('“', '”')}</p>
      {paragraphs.map((para) => (
        <p style={`${paragraphStyle} white-space: pre-line;`}>{para}</p>
      ))}
      {m.link && (
        <p style={paragraphStyle}>
          <a href={m.link} style={linkStyle}>
            Read more
          </a>
        </p>
      )}
      <p style={actionStyle}>
        <a href={m.petitionUrl} style={buttonStyle}>
          See the petition
        </a>
      </p>
    </>,
    {
      preheader: paragraphs[0]!.slice(0, 120),
      why: (
        <>
          {why}{' '}
          <a href={m.unsubscribeUrl} style={`color: ${MUTED};`}>
            Stop these emails
          </a>
          .
        </>
      ),
      privacyUrl,
    },
  );
  return {
    kind: `petition-${m.type}`,
    to: m.to,
    subject,
    text,
    html,
    // RFC 8058 one-click unsubscribe: mail clients show an "Unsubscribe" button that POSTs here.
    headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
