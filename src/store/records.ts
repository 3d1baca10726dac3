import type { PetitionKind, PetitionState } from '../domain/petition.ts';
import type { UpdateType, UserRole } from './schema.ts';
import type { MailDropReason, MailLane } from '../domain/outbox.ts';
import type { Result } from '../domain/result.ts';

/** What the rest of the code sees of stored rows: camelCase, Dates, booleans. */
export interface Category {
  id: number;
  slug: string;
  name: string;
}

export interface Petition {
  id: number;
  slug: string;
  kind: PetitionKind;
  title: string;
  target: string;
  body: string;
  why: string;
  category: Category | null;
  campaign: { slug: string; title: string } | null;
  location: { name: string; lat: number | null; lon: number | null } | null;
  state: PetitionState;
  signatureCount: number;
  goal: number;
  goalFixed: boolean;
  createdBy: number | null;
  createdAt: Date;
  openedAt: Date | null;
  closesAt: Date | null;
  verifiedAt: Date | null;
  /** False while a post-moderated petition waits for review: reachable by link, not listed. */
  listed: boolean;
  closedAt: Date | null;
  /** While hidden: the state it was hidden from, which restoring brings back. */
  hiddenFrom: PetitionState | null;
}

/** What else a move may be limited to or write (store.movePetition). */
export interface PetitionMoveOptions {
  /** Only from these states, besides what the lifecycle allows: an organiser may not "declare victory" on a hidden petition. */
  from?: ReadonlySet<PetitionState>;
  /** A moderator's decision lists or unlists it in the same write. */
  listed?: boolean;
  /** A moderator's decision: `reviewed_at` is set. */
  reviewed?: boolean;
}

/** The state it moved from, or the one refusal of a move the lifecycle (or the caller's `from`) does not allow. */
export type PetitionMoveResult = Result<PetitionState, 'ILLEGAL_TRANSITION'>;

export interface PetitionUpdate {
  id: number;
  petitionId: number;
  type: UpdateType;
  text: string;
  url: string | null;
  count: number | null;
  createdAt: Date;
}

export interface User {
  id: number;
  email: string;
  name: string | null;
  role: UserRole;
  passwordHash: string | null;
}

export interface NewPetition {
  slug: string;
  kind: PetitionKind;
  title: string;
  target: string;
  body: string;
  why: string;
  categoryId: number | null;
  campaignId: number | null;
  location: { name: string; lat: number | null; lon: number | null } | null;
  state: PetitionState;
  goal: number;
  goalFixed: boolean;
  createdBy: number | null;
  createdAt: Date;
  closesAt: Date | null;
  verifiedAt: Date | null;
  listed: boolean;
}

export interface NewUpdate {
  petitionId: number;
  type: Exclude<UpdateType, 'milestone'>;
  text: string;
  url: string | null;
  createdAt: Date;
  /** Queue it for consenting signers (sent in chunks by the mail-updates job). */
  mailSigners?: boolean;
}

export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface OutboxMail extends OutgoingMail {
  id: number;
  lane: MailLane;
  createdAt: Date;
  attempts: number;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  droppedReason: MailDropReason | null;
}

/** One signature as the batcher hands it to the store: validated, normalised, token already hashed. */
export interface SignatureToWrite {
  petitionId: number;
  email: string;
  name: string;
  postcode: string | null;
  country: string | null;
  consent: boolean;
  tokenHash: string;
  confirmed: boolean;
  /** Keyed hash of the client address, or null (never the address). */
  ipHash: string | null;
  /** Set when over a signing limit: written and answered like any other, but not counted. */
  flag: 'address' | 'domain' | null;
  consentVersion: number;
  /** The confirmation mail to queue with it, when it needs one. */
  confirmationMail: OutgoingMail | null;
}

export interface SignatureBatch {
  now: Date;
  signatures: SignatureToWrite[];
  /** Token hashes from followed confirmation links. */
  confirmations: string[];
}

/** The same for a new address and a repeat: callers must not tell them apart to the signer. */
/** 'gone': hidden, rejected or pending by the time the batch ran (the signer's view of it was stale). */
export type SignOutcome = 'accepted' | 'closed' | 'gone';
export type ConfirmOutcome =
  | { status: 'confirmed' | 'already-confirmed' | 'closed'; petitionSlug: string }
  | { status: 'invalid' };

export interface CountChange {
  petitionId: number;
  before: number;
  after: number;
  milestones: number[];
}

/**
 * A repeat of an address whose signature was already confirmed, for which the store counted one
 * "already signed" mail (the signer's per-signature budget had room): the caller renders and
 * queues it after answering, so that nobody waits for it.
 */
export interface AlreadySigned {
  /** The repeat's place in the batch's `signatures`. */
  index: number;
  /** The name stored with the confirmed signature (not the one just typed, which anyone could word). */
  name: string;
}

export interface BatchResult {
  signatures: SignOutcome[];
  confirmations: ConfirmOutcome[];
  counts: CountChange[];
  alreadySigned: AlreadySigned[];
}

/** What enqueueMail did: mail over an address's daily cap is left out of the outbox. */
export interface MailQueued {
  queued: number;
  dropped: number;
}

/** A recorded change to a petition's words or settings. */
export interface PetitionEdit {
  id: number;
  petitionId: number;
  userId: number | null;
  field: string;
  before: string;
  after: string;
  createdAt: Date;
  /** Made while people had signed: held to the typo rule, against the words they signed. */
  underTypoRule: boolean;
}

/** Fields an organiser may change; undefined means unchanged. */
export interface PetitionFieldChanges {
  title?: string;
  target?: string;
  body?: string;
  why?: string;
  categoryId?: number | null;
  location?: { name: string; lat: number | null; lon: number | null } | null;
  goal?: number;
  goalFixed?: boolean;
  closesAt?: Date | null;
}

/** Fields a campaign can fix for all its local petitions. */
export const LOCKABLE_FIELDS = ['body', 'why', 'kind', 'category', 'goal'] as const;
export type LockableField = (typeof LOCKABLE_FIELDS)[number];

/** A banner over many local petitions, each addressed to its own target ("Title: Target"). */
export interface Campaign {
  id: number;
  slug: string;
  kind: PetitionKind;
  title: string;
  body: string;
  why: string;
  category: Category | null;
  goal: number;
  lockedFields: LockableField[];
  createdBy: number | null;
  createdAt: Date;
}

export interface NewCampaign {
  slug: string;
  kind: PetitionKind;
  title: string;
  body: string;
  why: string;
  categoryId: number | null;
  goal: number;
  lockedFields: LockableField[];
  createdBy: number | null;
  createdAt: Date;
}
