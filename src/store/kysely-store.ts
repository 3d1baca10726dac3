import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Engine, EngineName } from './engine.ts';
import type { PetitionListQuery, Store } from './store.ts';
import type { NewPetition, NewUpdate, OutgoingMail, SignatureBatch } from './records.ts';
import type { UserRole } from './schema.ts';
import { migrateToLatest } from './migrations.ts';
import * as petitions from './petition-queries.ts';
import * as outbox from './outbox-queries.ts';
import type { MailClaim, MailRenewal, MailSettlement } from './outbox-queries.ts';
import * as people from './people-queries.ts';
import { commitSignatureBatch } from './signature-batch.ts';
import { SqliteSignatureWriter } from './sqlite-writer.ts';
import * as organisers from './organiser-queries.ts';
import * as fraud from './fraud-queries.ts';
import type { NewSigningAlert, SignatureCriteria } from './fraud-queries.ts';
import * as signers from './signer-queries.ts';
import * as campaigns from './campaign-queries.ts';
import { searchPetitions, type PetitionSearch } from './search-queries.ts';
import { signaturePlaces } from './area-queries.ts';
import * as moderation from './moderation-queries.ts';
import * as staffSessions from './staff-session-queries.ts';
import * as organiserSessions from './organiser-session-queries.ts';
import { claimJobRun } from './job-run-queries.ts';
import * as shareCards from './share-card-queries.ts';
import type { DecisionOutcome, ModerationActionKind } from '../domain/moderation.ts';
import type { NewCampaign } from './records.ts';
import type { PetitionState } from '../domain/petition.ts';
import type { LoginPurpose } from './schema.ts';
import type { PetitionEdit, PetitionFieldChanges, PetitionMoveOptions } from './records.ts';

/** The one Store implementation: the same Kysely queries run on either engine. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: EngineName,
    /** SQLite only: signing batches commit on their own thread (sqlite-writer.ts). */
    private readonly writer: SqliteSignatureWriter | null = null,
  ) {}

  static async open(engine: Engine, options: { writerThread?: boolean } = {}): Promise<KyselyStore> {
    await migrateToLatest(engine.db);
    const writer = options.writerThread && engine.sqlitePath ? new SqliteSignatureWriter(engine.sqlitePath) : null;
    return new KyselyStore(engine.db, engine.name, writer);
  }

  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new KyselyStore(trx, this.engine)));
  }

  async close(): Promise<void> {
    await this.writer?.close();
    await this.db.destroy();
  }

  findPetitionBySlug = (slug: string) => petitions.findPetitionBySlug(this.db, slug);
  slugTaken = (slug: string) => petitions.slugTaken(this.db, slug);
  listVisiblePetitions = (q: PetitionListQuery) => petitions.listVisiblePetitions(this.db, q);
  createPetition = (p: NewPetition) => petitions.createPetition(this.db, p);
  createPetitionIfSlugFree = (p: NewPetition) => petitions.createPetitionIfSlugFree(this.db, p);
  movePetitionToSlugIfFree = (id: number, slug: string) => this.transaction((tx) => petitions.movePetitionToSlugIfFree((tx as KyselyStore).db, id, slug));
  listUpdates = (petitionId: number) => petitions.listUpdates(this.db, petitionId);
  addUpdate = (u: NewUpdate) => petitions.addUpdate(this.db, u);
  consentingSignerEmails = (petitionId: number) => petitions.consentingSignerEmails(this.db, petitionId);
  countSignatures = (petitionId: number, state: 'pending' | 'confirmed') => petitions.countSignatures(this.db, petitionId, state);
  countPetitions = () => petitions.countPetitions(this.db);

  commitSignatureBatch = (batch: SignatureBatch) =>
    this.writer && !this.db.isTransaction
      ? this.writer.commit(batch)
      : this.transaction((tx) => commitSignatureBatch((tx as KyselyStore).db, batch));

  listCategories = () => people.listCategories(this.db);
  findCategory = (slugOrName: string) => people.findCategory(this.db, slugOrName);
  ensureCategories = (c: ReadonlyArray<{ slug: string; name: string }>) => people.ensureCategories(this.db, c);
  createCategory = (c: { slug: string; name: string }) => people.createCategory(this.db, c);
  deleteCategory = (slug: string) => people.deleteCategory(this.db, slug);
  findUserByEmail = (email: string) => people.findUserByEmail(this.db, email);
  upsertUser = (input: { email: string; role: UserRole; passwordHash: string | null; now: Date; name?: string }) => people.upsertUser(this.db, input);
  createApiToken = (input: { userId: number; name: string; tokenHash: string; now: Date }) => people.createApiToken(this.db, input);
  findUserByTokenHash = (hash: string) => people.findUserByTokenHash(this.db, hash);

  enqueueMail = (mails: OutgoingMail[], now: Date) => outbox.enqueueMail(this.db, mails, now);
  hasDueMail = (now: Date) => outbox.hasDueMail(this.db, now);
  claimMail = (claim: MailClaim) => this.transaction((tx) => outbox.claimMail((tx as KyselyStore).db, this.engine, claim));
  renewMailLeases = (renewal: MailRenewal) => outbox.renewMailLeases(this.db, renewal);
  settleMail = (worker: string, now: Date, settlement: MailSettlement) =>
    this.transaction((tx) => outbox.settleMail((tx as KyselyStore).db, worker, now, settlement));
  mailBacklog = (now: Date) => outbox.mailBacklog(this.db, now);
  listOutbox = (limit: number) => outbox.listOutbox(this.db, limit);
  findOutboxMail = (id: number) => outbox.findOutboxMail(this.db, id);
  // outbox: the daily cap per address (mail-quota.ts)
  purgeMailQuota = (keepFrom: Date) => signers.purgeMailQuota(this.db, keepFrom);

  findUserById = async (id: number) => {
    const r = await organisers.findUserById(this.db, id);
    return r && { id: r.id, email: r.email, name: r.name, role: r.role, passwordHash: r.password_hash };
  };
  listPetitionsByCreator = (userId: number) => organisers.listPetitionsByCreator(this.db, userId);
  movePetition = (id: number, to: PetitionState, at: Date, options?: PetitionMoveOptions) => petitions.movePetition(this.db, id, to, at, options);
  verifyPetition = (id: number, at: Date) => petitions.verifyPetition(this.db, id, at);
  closeDuePetitions = (now: Date) => organisers.closeDuePetitions(this.db, now);
  purgeUnverifiedPetitions = (createdBefore: Date, limit: number) =>
    this.transaction((tx) => organisers.purgeUnverifiedPetitions((tx as KyselyStore).db, createdBefore, limit));
  changePetitionFields = (id: number, changes: PetitionFieldChanges, edits: Omit<PetitionEdit, 'id'>[]) => organisers.changePetitionFields(this.db, id, changes, edits);
  listEdits = (petitionId: number) => organisers.listEdits(this.db, petitionId);
  createLoginToken = (t: { userId: number; tokenHash: string; purpose: LoginPurpose; petitionId: number | null; now: Date; expiresAt: Date }) =>
    organisers.createLoginToken(this.db, t);
  consumeLoginToken = (tokenHash: string, now: Date) => organisers.consumeLoginToken(this.db, tokenHash, now);
  appSecret = (name: string, generate: () => string) => organisers.appSecret(this.db, name, generate);
  withdrawConsent = (signatureId: number) => organisers.withdrawConsent(this.db, signatureId);
  hasQueuedUpdateMail = () => organisers.hasQueuedUpdateMail(this.db);
  takeUpdateMailChunk = (limit: number) => organisers.takeUpdateMailChunk(this.db, this.engine, limit);
  // Imported where used so this addition stays one line apart from the shared import block.
  signaturesForDelivery = async (petitionId: number, page?: import('./delivery-queries.ts').DeliveryPage) =>
    (await import('./delivery-queries.ts')).signaturesForDelivery(this.db, petitionId, page);

  // signer trust
  findPetitionById = (id: number) => petitions.findPetitionByIdIfAny(this.db, id);
  recordSigningAlerts = (alerts: NewSigningAlert[]) => fraud.recordSigningAlerts(this.db, alerts);
  listOpenSigningAlerts = (limit: number) => fraud.listOpenSigningAlerts(this.db, limit);
  findSigningAlert = (id: number) => fraud.findSigningAlert(this.db, id);
  resolveSigningAlert = (id: number, at: Date) => fraud.resolveSigningAlert(this.db, id, at);
  previewInvalidation = (c: SignatureCriteria) => fraud.previewInvalidation(this.db, c);
  invalidateSignatures = (c: SignatureCriteria) =>
    this.transaction(async (tx) => {
      const db = (tx as KyselyStore).db;
      const { invalidated, petitionIds } = await fraud.invalidateSignatures(db, c);
      const counts: Array<{ petitionId: number; count: number }> = [];
      for (const petitionId of petitionIds) counts.push({ petitionId, count: await fraud.recountPetition(db, this.engine, petitionId) });
      return { invalidated, counts };
    });
  reconcileCounts = async (states: readonly PetitionState[]) => {
    const repaired: Array<{ petitionId: number; slug: string; before: number; after: number }> = [];
    for (const drift of await fraud.petitionsWithDrift(this.db, states)) {
      // Re-read and recount inside one transaction with the row locked: a batch committing meanwhile is either counted or waits.
      const counts = await this.transaction((tx) => fraud.recountPetitionReporting((tx as KyselyStore).db, this.engine, drift.petitionId));
      const fixed = { petitionId: drift.petitionId, slug: drift.slug, ...counts };
      if (fixed.after !== fixed.before) repaired.push(fixed);
    }
    return repaired;
  };
  clearFlags = (petitionId: number, ids: number[] | 'all') =>
    this.transaction(async (tx) => {
      const db = (tx as KyselyStore).db;
      await fraud.clearFlags(db, petitionId, ids);
      return fraud.recountPetition(db, this.engine, petitionId);
    });
  findSignatureByTokenHash = (tokenHash: string) => signers.findSignatureByTokenHash(this.db, tokenHash);
  removeSignature = (id: number) => this.transaction((tx) => signers.removeSignature((tx as KyselyStore).db, id));
  anonymiseSignatures = (closedBefore: Date, now: Date, limit: number) => signers.anonymiseSignatures(this.db, closedBefore, now, limit);
  purgeOldMail = (before: Date) => signers.purgeOldMail(this.db, before);
  appSecretNames = (prefix: string) => signers.appSecretNames(this.db, prefix);
  deleteAppSecrets = (names: string[]) => signers.deleteAppSecrets(this.db, names);

  // campaigns
  findCampaignBySlug = (slug: string) => campaigns.findCampaignBySlug(this.db, slug);
  campaignSlugTaken = (slug: string) => campaigns.campaignSlugTaken(this.db, slug);
  createCampaign = (c: NewCampaign) => campaigns.createCampaign(this.db, c);
  createCampaignIfSlugFree = (c: NewCampaign) => campaigns.createCampaignIfSlugFree(this.db, c);
  campaignPetitions = (campaignId: number) => campaigns.campaignPetitions(this.db, campaignId);

  // search
  searchPetitions = (s: PetitionSearch) => searchPetitions(this.db, this.engine, s);

  // areas
  signaturePlaces = (petitionId: number) => signaturePlaces(this.db, petitionId);

  // moderation
  reviewQueue = (q: { limit: number; petitionId?: number }) => moderation.reviewQueue(this.db, q);
  applyModerationDecision = (id: number, from: PetitionState, outcome: DecisionOutcome, at: Date) => moderation.applyModerationDecision(this.db, id, from, outcome, at);
  recordModerationAction = (a: moderation.NewModerationAction) => moderation.recordModerationAction(this.db, a);
  listModerationActions = (q: { limit: number; before: number | null; petitionId?: number; action?: ModerationActionKind }) => moderation.listModerationActions(this.db, q);
  createReport = (r: moderation.NewReport) => moderation.createReport(this.db, r);
  listReports = (petitionId: number) => moderation.listReports(this.db, petitionId);
  resolveReports = (petitionId: number, resolution: 'actioned' | 'dismissed', userId: number, at: Date) => moderation.resolveReports(this.db, petitionId, resolution, userId, at);
  readSiteSettings = () => moderation.readSiteSettings(this.db);
  writeSiteSettings = (values: Record<string, string>, at: Date) => this.transaction((tx) => moderation.writeSiteSettings((tx as KyselyStore).db, values, at));
  addSignInAttempts = (keys: string[], at: Date, forgetBefore: Date) => moderation.addSignInAttempts(this.db, keys, at, forgetBefore);
  countSignInAttempts = (key: string, since: Date) => moderation.countSignInAttempts(this.db, key, since);
  removeSignInAttempts = (ids: number[]) => moderation.removeSignInAttempts(this.db, ids);
  createStaffSession = (s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }) => staffSessions.createStaffSession(this.db, s);
  findUserByStaffSession = (tokenHash: string, now: Date) => staffSessions.findUserByStaffSession(this.db, tokenHash, now);
  endStaffSession = (tokenHash: string) => staffSessions.endStaffSession(this.db, tokenHash);
  endStaffSessionsOf = (userId: number, now: Date) => staffSessions.endStaffSessionsOf(this.db, userId, now);
  listStaff = (now: Date) => staffSessions.listStaff(this.db, now);
  createOrganiserSession = (s: { userId: number; tokenHash: string; now: Date; expiresAt: Date }) => organiserSessions.createOrganiserSession(this.db, s);
  findUserByOrganiserSession = (tokenHash: string, now: Date) => organiserSessions.findUserByOrganiserSession(this.db, tokenHash, now);
  endOrganiserSession = (tokenHash: string) => organiserSessions.endOrganiserSession(this.db, tokenHash);
  purgeExpiredOrganiserSessions = (now: Date) => organiserSessions.purgeExpiredOrganiserSessions(this.db, now);
  claimJobRun = (name: string, now: Date, everyMs: number) => claimJobRun(this.db, name, now, everyMs);
  findShareCard = (petitionId: number) => shareCards.findShareCard(this.db, petitionId);
  saveShareCard = (petitionId: number, card: shareCards.KeptShareCard) => shareCards.saveShareCard(this.db, petitionId, card);
}

/** Opens the engine named by the URL, migrates it, and returns the store. */
export async function openStore(engine: Engine, options: { writerThread?: boolean } = {}): Promise<Store> {
  return KyselyStore.open(engine, options);
}
