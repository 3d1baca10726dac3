import type { OutgoingMail } from '../store/records.ts';
import type { PetitionKind } from '../domain/petition.ts';
import { actionStyle, buttonStyle, leadStyle, paragraphStyle, renderMailHtml } from './layout.tsx';
import { plainTextMail, privacyUrlFor } from './plain-text.ts';

export interface AlreadySignedMail {
  to: string;
  /** The name the confirmed signature was made with. */
  name: string;
  kind: PetitionKind;
  petitionTitle: string;
  petitionUrl: string;
}

/**
 * To an address that signs again what it has already signed and confirmed. The page told whoever
 * signed "we have sent you an email", as it tells everyone; this is that email. It has nothing to
 * confirm, so it carries no link that changes anything.
 */
export function alreadySignedMail(m: AlreadySignedMail): OutgoingMail {
  const pledge = m.kind === 'pledge';
  const noun = pledge ? 'pledge' : 'petition';
  const verb = pledge ? 'pledge' : 'signature';
  const signed = pledge ? 'pledged' : 'signed';
  const subject = `You have already ${signed}: ${m.petitionTitle}`;
  const already = `This address has already ${signed} "${m.petitionTitle}", and that ${verb} is confirmed. It counts once, however often the form is sent: there is nothing more to do.`;
  const ignore = `If it was not you who just ${signed} again, you can ignore this email: nothing has changed.`;
  const why = `You get this email because someone, we hope you, used this address to ${pledge ? 'pledge' : 'sign'} again on Undersign.`;
  const privacyUrl = privacyUrlFor(m.petitionUrl);
  const text = plainTextMail(
    [`Hello ${m.name},`, already, `See the ${noun}:\n${m.petitionUrl}`, ignore],
    ['Undersign', why, `How we handle your data: ${privacyUrl}`],
  );
  const html = renderMailHtml(
    subject,
    <>
      <p style={paragraphStyle}>Hello {m.name},</p>
      <p style={leadStyle}>You have already {signed}</p>
      <p style={paragraphStyle}>{already.replace(`"${m.petitionTitle}"`, `“${m.petitionTitle}”`)}</p>
      <p style={actionStyle}>
        <a href={m.petitionUrl} style={buttonStyle}>
          See the {noun}
        </a>
      </p>
      <p style={paragraphStyle}>{ignore}</p>
    </>,
    { preheader: `Your ${verb} is confirmed and counted.`, why, privacyUrl },
  );
  return { kind: 'already-signed', to: m.to, subject, text, html };
}
