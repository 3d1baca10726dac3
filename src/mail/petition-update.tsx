import type { OutgoingMail } from '../store/records.ts';
import { renderMailHtml } from './layout.tsx';

export interface PetitionUpdateMail {
  to: string;
  petitionTitle: string;
  petitionUrl: string;
  text: string;
  link: string | null;
}

/** An organiser's update, sent to signers who asked to be kept updated. */
export function petitionUpdateMail(m: PetitionUpdateMail): OutgoingMail {
  const subject = `Update: ${m.petitionTitle}`;
  const text = [`An update on "${m.petitionTitle}":`, '', m.text, ...(m.link ? ['', `Read more: ${m.link}`] : []), '', `The petition: ${m.petitionUrl}`].join('\n');
  const html = renderMailHtml(
    subject,
    <>
      <p>An update on “{m.petitionTitle}”:</p>
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
    </>,
  );
  return { kind: 'petition-update', to: m.to, subject, text, html };
}
