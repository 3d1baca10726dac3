import { AWAITING_REVIEW, PUBLICLY_VISIBLE, TAKEN_DOWN, transition, type PetitionState } from './petition.ts';
import { err, ok, type Result } from './result.ts';

/** What a moderator decides about a petition on its review page. */
export const MODERATION_DECISIONS = ['approve', 'hide', 'reject', 'restore'] as const;
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number];

/** Everything written to the audit log: the decisions, dismissing reports, and changes to site settings. */
export type ModerationActionKind = ModerationDecision | 'dismiss-reports' | 'settings' | 'invalidate' | 'clear-flags' | 'resolve-alert' | 'end-sessions';

export interface ReviewedPetition {
  state: PetitionState;
  listed: boolean;
  /** The organiser confirmed their email: an unconfirmed petition cannot be approved. */
  verified: boolean;
  /** While hidden: the state it was hidden from. */
  hiddenFrom: PetitionState | null;
}

export interface DecisionOutcome {
  state: PetitionState;
  listed: boolean;
}

/** Hiding and rejecting are explained: the reason goes to the organiser (and, for hiding, on the page). */
export const NEEDS_REASON: ReadonlySet<ModerationDecision> = new Set(['hide', 'reject']);

/** Restoring may carry a note to the organiser (what was fixed); it is optional. */
export const TAKES_NOTE: ReadonlySet<ModerationDecision> = new Set(['restore']);

/**
 * What a decision does. Approve opens a waiting petition (pre-moderation) or lists a live one
 * (post-moderation, or after an edit); hide takes down one that has been public; reject refuses
 * one that never was; restore brings a hidden one back as it was before (listed: a moderator has
 * just looked at it). Anything else is refused, so a stale review page cannot undo a later decision.
 */
export function decide(p: ReviewedPetition, decision: ModerationDecision): Result<DecisionOutcome, 'NOT_ALLOWED'> {
  switch (decision) {
    case 'approve':
      if (AWAITING_REVIEW.has(p.state)) return p.verified && transition(p.state, 'open').ok ? ok({ state: 'open', listed: true }) : err('NOT_ALLOWED');
      return PUBLICLY_VISIBLE.has(p.state) ? ok({ state: p.state, listed: true }) : err('NOT_ALLOWED');
    case 'hide':
      return PUBLICLY_VISIBLE.has(p.state) && transition(p.state, 'hidden').ok ? ok({ state: 'hidden', listed: p.listed }) : err('NOT_ALLOWED');
    case 'reject':
      return AWAITING_REVIEW.has(p.state) && transition(p.state, 'rejected').ok ? ok({ state: 'rejected', listed: false }) : err('NOT_ALLOWED');
    case 'restore': {
      // Hidden before this column existed: closed is the safe guess (it does not reopen signing).
      const back = p.hiddenFrom !== null && PUBLICLY_VISIBLE.has(p.hiddenFrom) ? p.hiddenFrom : 'closed';
      return TAKEN_DOWN.has(p.state) && transition(p.state, back).ok ? ok({ state: back, listed: true }) : err('NOT_ALLOWED');
    }
  }
}

/** The decisions a petition can take now: the review page offers exactly these. */
export const availableDecisions = (p: ReviewedPetition): ModerationDecision[] => MODERATION_DECISIONS.filter((d) => decide(p, d).ok);

/** The part of a petition the decisions look at. */
export const reviewedPetition = (p: { state: PetitionState; listed: boolean; verifiedAt: Date | null; hiddenFrom: PetitionState | null }): ReviewedPetition => ({
  state: p.state,
  listed: p.listed,
  verified: p.verifiedAt !== null,
  hiddenFrom: p.hiddenFrom,
});
