import type { OutgoingMail } from '../store/records.ts';
import { renderMailHtml } from './layout.tsx';

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
  const intro = m.type === 'victory' ? `Good news about "${m.petitionTitle}": it has won.` : `An update on "${m.petitionTitle}":`;
  const text = [
    intro,
    '',
    m.text,
    ...(m.link ? ['', `Read more: ${m.link}`] : []),
    '',
    `The petition: ${m.petitionUrl}`,
    '',
    `You get this because you asked to be kept updated. Stop these emails: ${m.unsubscribeUrl}`,
  ].join('\n');
  const html = renderMailHtml(
    subject,
    <>
      <p>{intro}</p>
      {m.text.split('\n\n').map((para) => (
        <p>{para}</p>
      ))}
      {m.link && (
        <p>
          <a href={m.link}>Read more</a>
        </p>
      )}
      <p>
        <a href={m.petitionUrl}>See the petition</a>
      </p>
      <p style="color: #555; font-size: 0.875rem;">
        You get this because you asked to be kept updated. <a href={m.unsubscribeUrl}>Stop these emails</a>.
      </p>
    </>,
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
