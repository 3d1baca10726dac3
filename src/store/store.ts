import type {
  BatchResult, Category, MailQueued, NewPetition, NewUpdate, OutboxMail, OutgoingMail, Petition, PetitionUpdate,
  SignatureBatch, User,
} from './records.ts';
import type { EngineName } from './engine.ts';
import type { MailBacklog, MailClaim, MailRenewal, MailSettlement } from './outbox-queries.ts';
import type { LoginPurpose, UserRole } from './schema.ts';
import type { PetitionEdit, PetitionFieldChanges, PetitionMoveOptions, PetitionMoveResult } from './records.ts';
import type { PetitionState } from '../domain/petition.ts';
import type { UpdateMailChunk } from './organiser-queries.ts';
import type { NewSigningAlert, SignatureCriteria, SigningAlert } from './fraud-queries.ts';
import type { SignerRecord } from './signer-queries.ts';
import type { Campaign, NewCampaign } from './records.ts';
import type { CampaignTally } from './campaign-queries.ts';
import type { PetitionSearch, SearchCursor, SearchHit } from './search-queries.ts';
import type { StaffMember } from './staff-session-queries.ts';
import type { ModerationAction, NewModerationAction, NewReport, Report, ReviewItem } from './moderation-queries.ts';
import type { DecisionOutcome, ModerationActionKind } from '../domain/moderation.ts';
import type { KeptShareCard } from './share-card-queries.ts';

export interface PetitionListQuery {
  limit: number;
  /** Id of the last petition on the previous page (newest first). */
  after: number | null;
}

/** What the rest of the code may ask of a database. Both engines implement it through one query layer. */
export interface Store {
  readonly engine: EngineName;
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  // petitions
  findPetitionBySlug(slug: string): Promise<Petition | undefined>;
  slugTaken(slug: string): Promise<boolean>;
  listVisiblePetitions(query: PetitionListQuery): Promise<Petition[]>;
  createPetition(input: NewPetition): Promise<Petition>;
  /** Inserts it unless its slug is taken; undefined (nothing written) when it is. */
  createPetitionIfSlugFree(input: NewPetition): Promise<Petition | undefined>;
  /** Gives a petition another slug unless that one is taken; false when it is. */
  movePetitionToSlugIfFree(id: number, slug: string): Promise<boolean>;
  listUpdates(petitionId: number): Promise<PetitionUpdate[]>;
  addUpdate(input: NewUpdate): Promise<PetitionUpdate>;
  /** Addresses of confirmed signers who asked to be kept updated. */
  consentingSignerEmails(petitionId: number): Promise<string[]>;
  countSignatures(petitionId: number, state: 'pending' | 'confirmed'): Promise<number>;

  // signing: the whole batch in one transaction
  commitSignatureBatch(batch: SignatureBatch): Promise<BatchResult>;

  // categories
  listCategories(): Promise<Category[]>;
  findCategory(slugOrName: string): Promise<Category | undefined>;
  ensureCategories(categories: ReadonlyArray<{ slug: string; name: string }>): Promise<void>;
  createCategory(category: { slug: string; name: string }): Promise<boolean>;
  deleteCategory(slug: string): Promise<'deleted' | 'in-use' | 'not-found'>;

  // people and tokens
  findUserByEmail(email: string): Promise<User | undefined>;
  upsertUser(input: { email: string; role: UserRole; passwordHash: string | null; now: Date; name?: string }): Promise<User>;
  createApiToken(input: { userId: number; name: string; tokenHash: string; now: Date }): Promise<void>;
  findUserByTokenHash(tokenHash: string): Promise<User | undefined>;
  countPetitions(): Promise<number>;

  // outbox
  /** Queues mail in the caller's transaction; mail over an address's daily cap is left out. */
  enqueueMail(mails: OutgoingMail[], now: Date): Promise<MailQueued>;
  /** Whether any mail is due (a read: no write lock is taken). */
  hasDueMail(now: Date): Promise<boolean>;
  /** Leases due mail to one worker, priority lane first; SKIP LOCKED on PostgreSQL. */
  claimMail(claim: MailClaim): Promise<OutboxMail[]>;
  /** Extends the leases a worker still holds; returns the ids renewed (only the holder's). */
  renewMailLeases(renewal: MailRenewal): Promise<number[]>;
  /** Records what a worker sent, put back or gave up, many mails per write. */
  settleMail(worker: string, now: Date, settlement: MailSettlement): Promise<void>;
  mailBacklog(now: Date): Promise<MailBacklog>;
  listOutbox(limit: number): Promise<OutboxMail[]>;
  findOutboxMail(id: number): Promise<OutboxMail | undefined>;
  // outbox: the daily cap per address (mail-quota.ts)
  /** Deletes the daily mail counts of the UTC days before `keepFrom`'s; returns how many. */
  purgeMailQuota(keepFrom: Date): Promise<number>;

  // organisers
  findUserById(id: number): Promise<User | undefined>;
  listPetitionsByCreator(userId: number): Promise<Petition[]>;
  /**
   * The one door for a state change: allowed by the lifecycle (domain/petition.ts) and by `options.from`,
   * from the state it is in now, setting the dates the move sets; refused with ILLEGAL_TRANSITION otherwise.
   */
  movePetition(id: number, to: PetitionState, at: Date, options?: PetitionMoveOptions): Promise<PetitionMoveResult>;
  /** Marks a waiting petition's organiser address as confirmed (no move); false when it was not waiting unconfirmed. */
  verifyPetition(id: number, at: Date): Promise<boolean>;
  /** Closes every open petition past its deadline, each through movePetition; returns their ids. */
  closeDuePetitions(now: Date): Promise<number[]>;
  /** Deletes up to `limit` never-confirmed petitions started before `createdBefore`, and organisers left with nothing who never followed a link. */
  purgeUnverifiedPetitions(createdBefore: Date, limit: number): Promise<{ petitions: number; organisers: number }>;
  changePetitionFields(id: number, changes: PetitionFieldChanges, edits: Omit<PetitionEdit, 'id'>[]): Promise<void>;
  listEdits(petitionId: number): Promise<PetitionEdit[]>;
  createLoginToken(t: { userId: number; tokenHash: string; purpose: LoginPurpose; petitionId: number | null; now: Date; expiresAt: Date }): Promise<void>;
  consumeLoginToken(tokenHash: string, now: Date): Promise<{ userId: number; purpose: LoginPurpose; petitionId: number | null } | undefined>;
  appSecret(name: string, generate: () => string): Promise<string>;
  withdrawConsent(signatureId: number): Promise<number | undefined>;
  /** Whether any update waits to be mailed (a read: no write lock is taken). */
  hasQueuedUpdateMail(): Promise<boolean>;
  /** Must run in a transaction with the mail it causes. */
  takeUpdateMailChunk(limit: number): Promise<UpdateMailChunk | undefined>;

  // delivery
  /** Confirmed signatures, oldest first, email only where the signer agreed; all of them, or one keyset page. */
  signaturesForDelivery(petitionId: number, page?: import('./delivery-queries.ts').DeliveryPage): Promise<import('./delivery-queries.ts').DeliveryRow[]>;

  // signer trust: alerts, invalidation, a signer's own data, retention
  findPetitionById(id: number): Promise<Petition | undefined>;
  recordSigningAlerts(alerts: NewSigningAlert[]): Promise<void>;
  listOpenSigningAlerts(limit: number): Promise<SigningAlert[]>;
  findSigningAlert(id: number): Promise<SigningAlert | undefined>;
  resolveSigningAlert(id: number, at: Date): Promise<boolean>;
  previewInvalidation(criteria: SignatureCriteria): Promise<Array<{ petitionId: number; signatures: number; counted: number }>>;
  /** Invalidates and recounts exactly, in one transaction; returns the petitions' new counts. */
  invalidateSignatures(criteria: SignatureCriteria): Promise<{ invalidated: number; counts: Array<{ petitionId: number; count: number }> }>;
  /**
   * Recounts every petition in these states whose count has drifted from its signatures, each under
   * its row lock; returns what was repaired (before and after). Petitions without drift are untouched.
   */
  reconcileCounts(states: readonly PetitionState[]): Promise<Array<{ petitionId: number; slug: string; before: number; after: number }>>;
  /** Clears flags (all of a petition's, or some) and recounts; returns the new count. */
  clearFlags(petitionId: number, ids: number[] | 'all'): Promise<number>;
  findSignatureByTokenHash(tokenHash: string): Promise<SignerRecord | undefined>;
  removeSignature(id: number): Promise<{ petitionId: number; counted: boolean } | undefined>;
  anonymiseSignatures(closedBefore: Date, now: Date, limit: number): Promise<number>;
  purgeOldMail(before: Date): Promise<number>;
  appSecretNames(prefix: string): Promise<string[]>;
  deleteAppSecrets(names: string[]): Promise<void>;

  // campaigns
  findCampaignBySlug(slug: string): Promise<Campaign | undefined>;
  campaignSlugTaken(slug: string): Promise<boolean>;
  createCampaign(input: NewCampaign): Promise<Campaign>;
  /** Inserts it unless its slug is taken; undefined (nothing written) when it is. */
  createCampaignIfSlugFree(input: NewCampaign): Promise<Campaign | undefined>;
  /** Listed local petitions, most signed first, with the count and goal sums over all public ones. */
  campaignPetitions(campaignId: number): Promise<CampaignTally>;

  // search
  searchPetitions(search: PetitionSearch): Promise<{ hits: SearchHit[]; next: SearchCursor | null }>;

  // areas
  /** A petition's counted signatures grouped by postcode district (UK shape) and country as typed. */
  signaturePlaces(petitionId: number): Promise<import('./area-queries.ts').SignaturePlace[]>;

  // moderation: the review queue, decisions, reports, the audit log, site settings, staff sign-in attempts
  /** Petitions waiting for a moderator, oldest first (or one petition's entry, if it is waiting). */
  reviewQueue(q: { limit: number; petitionId?: number }): Promise<ReviewItem[]>;
  /** Applies a decision only if the petition is still in `from`; false when it was not. */
  applyModerationDecision(id: number, from: PetitionState, outcome: DecisionOutcome, at: Date): Promise<boolean>;
  recordModerationAction(action: NewModerationAction): Promise<void>;
  listModerationActions(q: { limit: number; before: number | null; petitionId?: number; action?: ModerationActionKind }): Promise<ModerationAction[]>;
  createReport(report: NewReport): Promise<void>;
  listReports(petitionId: number): Promise<Report[]>;
  /** Closes a petition's open reports; returns how many. */
  resolveReports(petitionId: number, resolution: 'actioned' | 'dismissed', userId: number, at: Date): Promise<number>;
  readSiteSettings(): Promise<Record<string, string>>;
  writeSiteSettings(values: Record<string, string>, at: Date): Promise<void>;
  /** Records one attempt under each key, forgetting attempts older than `forgetBefore`; returns their ids. */
  addSignInAttempts(keys: string[], at: Date, forgetBefore: Date): Promise<number[]>;
  countSignInAttempts(key: string, since: Date): Promise<number>;
  removeSignInAttempts(ids: number[]): Promise<void>;

  // staff sessions: kept here, so that they can be ended from the admin area
  createStaffSession(s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void>;
  findUserByStaffSession(tokenHash: string, now: Date): Promise<User | undefined>;
  endStaffSession(tokenHash: string): Promise<void>;
  /** Ends every session of one staff member; returns how many were live. */
  endStaffSessionsOf(userId: number, now: Date): Promise<number>;
  listStaff(now: Date): Promise<StaffMember[]>;

  // organiser sessions (magic links): kept here, so that signing out ends them (decision 0030)
  createOrganiserSession(s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }): Promise<void>;
  findUserByOrganiserSession(tokenHash: string, now: Date): Promise<User | undefined>;
  endOrganiserSession(tokenHash: string): Promise<void>;
  /** Deletes sessions that have run out; returns how many. */
  purgeExpiredOrganiserSessions(now: Date): Promise<number>;

  // recurring jobs (jobs/schedule.ts; decision 0036)
  /**
   * Records that `name` starts now unless it started less than `everyMs` ago (in any process), in one
   * atomic write: `claimed` says whether this caller may run it; `lastRunAt` is when it last started.
   */
  claimJobRun(name: string, now: Date, everyMs: number): Promise<{ claimed: boolean; lastRunAt: Date }>;

  // share cards (web/share-image-cache.ts; decision 0039)
  /** The newest card drawn for a petition, by any process. */
  findShareCard(petitionId: number): Promise<KeptShareCard | undefined>;
  /** Keeps `card` as the petition's card unless a later-drawn one is kept already. */
  saveShareCard(petitionId: number, card: KeptShareCard): Promise<void>;
}
