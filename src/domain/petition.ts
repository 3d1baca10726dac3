import { err, ok, type Result } from './result.ts';

export const PETITION_STATES = ['pending', 'open', 'closed', 'won', 'hidden', 'rejected'] as const;
export type PetitionState = (typeof PETITION_STATES)[number];
export type PetitionKind = 'petition' | 'pledge';

/** Which states allow what: named sets, so rules read as sentences. */
export const SIGNABLE: ReadonlySet<PetitionState> = new Set(['open']);
export const PUBLICLY_VISIBLE: ReadonlySet<PetitionState> = new Set(['open', 'closed', 'won']);
export const ACCEPTS_UPDATES: ReadonlySet<PetitionState> = new Set(['open', 'closed', 'won']);

export interface PetitionLifecycle {
  state: PetitionState;
  closesAt: Date | null;
}

/** A petition can be signed if it is open and its deadline (if any) has not passed at `now`. */
export const isSignable = (p: PetitionLifecycle, now: Date): boolean =>
  SIGNABLE.has(p.state) && (p.closesAt === null || p.closesAt.getTime() > now.getTime());

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
