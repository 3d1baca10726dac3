import type { OutgoingMail } from '../store/records.ts';
import type { PetitionKind } from '../domain/petition.ts';
import type { ModerationDecision } from '../domain/moderation.ts';
import { actionStyle, buttonStyle, paragraphStyle, renderMailHtml } from './layout.tsx';
import { plainTextMail, privacyUrlFor } from './plain-text.ts';

export interface ModerationDecisionMail {
  to: string;
  decision: ModerationDecision;
  kind: PetitionKind;
  petitionTitle: string;
  petitionUrl: string;
  /** The moderator's reason: given when hiding or rejecting, and perhaps a note when restoring. */
  reason: string | null;
}

const WORDING: Record<ModerationDecision, (noun: string, title: string) => { subject: string; lead: string; after: string }> = {
  approve: (noun, title) => ({
    subject: `Your ${noun} is live: ${title}`,
    lead: `A moderator has approved your ${noun} "${title}". It is now open and listed on Undersign.`,
    after: 'Share it: every signature counts once it is confirmed.',
  }),
  hide: (noun, title) => ({
    subject: `Your ${noun} has been taken down: ${title}`,
    lead: `A moderator has taken down your ${noun} "${title}". It no longer appears on Undersign, and its page shows the reason below.`,
    after: 'Its signatures are kept as they were.',
  }),
  reject: (noun, title) => ({
    subject: `Your ${noun} was not approved: ${title}`,
    lead: `A moderator has reviewed your ${noun} "${title}" and it will not be published, for the reason below.`,
    after: 'You are welcome to start a new one that keeps to our rules.',
  }),
  restore: (noun, title) => ({
    subject: `Your ${noun} is back: ${title}`,
    lead: `A moderator has restored your ${noun} "${title}". It is public and listed on Undersign again, as it was before it was taken down.`,
    after: 'Its signatures are as they were.',
  }),
};

/** Tells the organiser what a moderator decided, with the reason when there is one. */
export function moderationDecisionMail(m: ModerationDecisionMail): OutgoingMail {
  const words = WORDING[m.decision](m.kind, m.petitionTitle);
  const live = m.decision === 'approve' || m.decision === 'restore';
  const why = `You get this email because you started this ${m.kind} on Undersign.`;
  const privacyUrl = privacyUrlFor(m.petitionUrl);
  const text = plainTextMail(
    [
      'Hello,',
      words.lead,
      m.reason && `${m.decision === 'restore' ? 'The moderator’s note' : 'The reason'}:\n\n${m.reason}`,
      words.after,
      live && `See your ${m.kind}:\n${m.petitionUrl}`,
    ],
    ['Undersign', why, `How we handle your data: ${privacyUrl}`],
  );
  const html = renderMailHtml(
    words.subject,
    <>
      <p style={paragraphStyle}>Hello,</p>
      <p style={paragraphStyle}>{words.lead.replace(`"${m.petitionTitle}"`, `“${m.petitionTitle}”`)}</p>
      {m.reason && (
        <blockquote style="border-left: 4px solid #8a8a8a; margin: 0 0 16px; padding: 4px 16px;">
          {m.reason.split(/\n{2,}/).map((para) => (
            <p style="margin: 0 0 8px; white-space: pre-line;">{para}</p>
          ))}
        </blockquote>
      )}
      <p style={paragraphStyle}>{words.after}</p>
      {live && (
        <p style={actionStyle}>
          <a href={m.petitionUrl} style={buttonStyle}>
            See your {m.kind}
          </a>
        </p>
      )}
    </>,
    { why, privacyUrl },
  );
  return { kind: `petition-${m.decision}`, to: m.to, subject: words.subject, text, html };
}
