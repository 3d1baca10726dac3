import type { OutgoingMail } from '../store/records.ts';
import type { PetitionKind } from '../domain/petition.ts';
import type { ModerationDecision } from '../domain/moderation.ts';
import { buttonStyle, renderMailHtml } from './layout.tsx';

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
  const text = [
    'Hello,',
    '',
    words.lead,
    ...(m.reason ? ['', m.decision === 'restore' ? 'The moderator’s note:' : 'The reason:', '', m.reason] : []),
    '',
    words.after,
    ...(m.decision === 'approve' || m.decision === 'restore' ? ['', m.petitionUrl] : []),
  ].join('\n');
  const html = renderMailHtml(
    words.subject,
    <>
      <p>Hello,</p>
      <p>{words.lead}</p>
      {m.reason && (
        <blockquote style="border-left: 4px solid #ccc; margin: 0 0 1rem; padding: 0.25rem 1rem;">
          {m.reason.split('\n\n').map((para) => (
            <p>{para}</p>
          ))}
        </blockquote>
      )}
      <p>{words.after}</p>
      {(m.decision === 'approve' || m.decision === 'restore') && (
        <p>
          <a href={m.petitionUrl} style={buttonStyle}>
            See your {m.kind}
          </a>
        </p>
      )}
    </>,
  );
  return { kind: `petition-${m.decision}`, to: m.to, subject: words.subject, text, html };
}
