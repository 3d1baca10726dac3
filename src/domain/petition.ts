import { err, ok, type Result } from './result.ts';

export const PETITION_STATES = ['pending', 'open', 'closed', 'won', 'hidden', 'rejected'] as const;
export type PetitionState = (typeof PETITION_STATES)[number];
export type PetitionKind = 'petition' | 'pledge';

/**
 * Which states allow what: every rule about a group of states is named once here and read
 * everywhere else, in TypeScript and in queries (`where('p.state', 'in', [...PUBLICLY_VISIBLE])`).
 */
const states = (...s: PetitionState[]): ReadonlySet<PetitionState> => new Set(s);

/** Takes signatures (before its deadline: `isSignable`). */
export const SIGNABLE = states('open');
/** Published: anyone with its address sees its page, its count and its API document. */
export const PUBLICLY_VISIBLE = states('open', 'closed', 'won');
/** Not yet public: waiting for its organiser to confirm their address, then for a moderator. */
export const AWAITING_REVIEW = states('pending');
/** Finished: no longer takes signatures (closed early, at its deadline, or won); its signers' details go after a while. */
export const FINISHED = states('closed', 'won');
/** Taken down by moderators: its address answers 410 with their reason. */
export const TAKEN_DOWN = states('hidden');
/** Has been public (or still is): rewording one brings it back to the moderators. */
export const EVER_PUBLISHED = states(...PUBLICLY_VISIBLE, ...TAKEN_DOWN);
/** Its organiser may post updates. */
export const ACCEPTS_UPDATES = PUBLICLY_VISIBLE;
/** Its organiser may close it early. */
export const CLOSABLE = SIGNABLE;
/** Its organiser may declare it won (a moderator's restore may also bring a hidden one back as won). */
export const WINNABLE = states('open', 'closed');

export interface PetitionLifecycle {
  state: PetitionState;
  closesAt: Date | null;
}

/** A petition can be signed if it is open and its deadline (if any) has not passed at `now`. */
export const isSignable = (p: PetitionLifecycle, now: Date): boolean =>
  SIGNABLE.has(p.state) && (p.closesAt === null || p.closesAt.getTime() > now.getTime());

/** The lifecycle: the only moves a petition may make, whoever asks (organiser, moderator, job). */
const TRANSITIONS: Record<PetitionState, readonly PetitionState[]> = {
  pending: ['open', 'rejected', 'hidden'],
  open: ['closed', 'won', 'hidden'],
  closed: ['won', 'hidden'],
  won: ['hidden'],
  hidden: ['open', 'closed', 'won'],
  rejected: [],
};

/** A state change that refuses illegal moves. */
export const transition = (
  from: PetitionState,
  to: PetitionState,
): Result<PetitionState, 'ILLEGAL_TRANSITION'> =>
  TRANSITIONS[from].includes(to) ? ok(to) : err('ILLEGAL_TRANSITION');

/** What a legal move writes beside the new state. */
export interface PetitionMove {
  from: PetitionState;
  to: PetitionState;
  /** First published now: `opened_at` is set. A restore keeps the date it first opened. */
  opens: boolean;
  /** Stopped taking signatures or won now: `closed_at` is set (retention counts from it). A restore keeps its dates. */
  finishes: boolean;
  /** While hidden, the state to restore it to; null in every other state. */
  hiddenFrom: PetitionState | null;
}

/** The one decision behind every state change (the store's `movePetition` writes what it says). */
export function planMove(from: PetitionState, to: PetitionState): Result<PetitionMove, 'ILLEGAL_TRANSITION'> {
  const move = transition(from, to);
  if (!move.ok) return move;
  return ok({
    from,
    to,
    opens: AWAITING_REVIEW.has(from) && PUBLICLY_VISIBLE.has(to),
    finishes: FINISHED.has(to) && !TAKEN_DOWN.has(from),
    hiddenFrom: TAKEN_DOWN.has(to) ? from : null,
  });
}

/** How the count reads: pledges are pledged, petitions signed. */
const COUNT = new Intl.NumberFormat('en-GB');

export const countPhrase = (kind: PetitionKind, count: number): string => {
  const people = count === 1 ? '1 person has' : `${COUNT.format(count)} people have`;
  return `${people} ${kind === 'pledge' ? 'pledged' : 'signed'}`;
};

/** "Title: Target": how a campaign's local petition is titled. */
export const localPetitionTitle = (campaignTitle: string, target: string): string =>
  `${campaignTitle}: ${target}`;

/**
 * Who may manage a petition: its organiser, whatever their role. A magic link proves only a mailbox,
 * so an administrator's mailbox opens their own petitions and no one else's; staff act on other
 * people's petitions in /admin, behind a password (decisions 0023, 0030).
 */
export const canManage = (user: { id: number }, petition: { createdBy: number | null }): boolean =>
  petition.createdBy !== null && petition.createdBy === user.id;
