import type { Generated } from 'kysely';
import type { PetitionKind, PetitionState } from '../domain/petition.ts';
import type { MailDropReason, MailLane } from '../domain/outbox.ts';

/**
 * Table shapes shared by both engines. Times are ISO 8601 UTC text and booleans 0/1 integers,
 * so SQLite and PostgreSQL store, sort and return the same values.
 */
export interface Database {
  users: UserTable;
  api_tokens: ApiTokenTable;
  categories: CategoryTable;
  campaigns: CampaignTable;
  petitions: PetitionTable;
  signatures: SignatureTable;
  updates: UpdateTable;
  outbox: OutboxTable;
  petition_edits: PetitionEditTable;
  login_tokens: LoginTokenTable;
  app_secrets: AppSecretTable;
  signing_alerts: SigningAlertTable;
  // moderation (007_moderation)
  reports: ReportTable;
  moderation_actions: ModerationActionTable;
  site_settings: SiteSettingTable;
  sign_in_attempts: SignInAttemptTable;
  // 009_staff_sessions
  staff_sessions: StaffSessionTable;
  // 010_mail_delivery
  mail_quota: MailQuotaTable;
  // 012_organiser_sessions
  organiser_sessions: OrganiserSessionTable;
  // 015_job_runs
  job_runs: JobRunTable;
  // 016_share_cards
  share_cards: ShareCardTable;
}

export type UserRole = 'admin' | 'moderator' | 'organiser';

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  role: UserRole;
  password_hash: string | null;
  created_at: string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: string;
}

export interface CategoryTable {
  id: Generated<number>;
  slug: string;
  name: string;
}

export interface CampaignTable {
  id: Generated<number>;
  slug: string;
  kind: PetitionKind;
  title: string;
  body: string;
  why: string;
  category_id: number | null;
  goal: number;
  created_by: number | null;
  created_at: string;
  /** JSON list of the fields local petitions take from the campaign and may not change. */
  locked_fields: Generated<string>;
}

export interface PetitionTable {
  id: Generated<number>;
  slug: string;
  kind: PetitionKind;
  title: string;
  target: string;
  body: string;
  why: string;
  category_id: number | null;
  campaign_id: number | null;
  location_name: string | null;
  lat: number | null;
  lon: number | null;
  state: PetitionState;
  signature_count: Generated<number>;
  goal: number;
  goal_fixed: number;
  created_by: number | null;
  created_at: string;
  opened_at: string | null;
  closes_at: string | null;
  /** When the organiser confirmed their email; null while the petition waits for it. */
  verified_at: string | null;
  /** 0 while a post-moderated petition waits for review: live by link, absent from lists. */
  listed: Generated<number>;
  closed_at: string | null;
  /** When a moderator last decided about it; edits to its words after this put it back in the queue. */
  reviewed_at: string | null;
  /** While hidden: the state it was hidden from, which restoring brings back. */
  hidden_from: PetitionState | null;
}

/** Invalidated signatures (fraud, by a moderator) stay as evidence but never count. */
export type SignatureState = 'pending' | 'confirmed' | 'invalidated';

export interface SignatureTable {
  id: Generated<number>;
  petition_id: number;
  /** Normalised (domain/email.ts); the dedupe key with petition_id. */
  email: string;
  name: string;
  postcode: string | null;
  country: string | null;
  consent: number;
  state: SignatureState;
  /** SHA-256 of the confirmation token: the database alone cannot confirm anything. */
  token_hash: string;
  created_at: string;
  confirmed_at: string | null;
  mailed_at: string | null;
  /** Keyed hash of the client address (services/ip-hash.ts); never the address itself. */
  ip_hash: string | null;
  /** Why it was quietly set aside (over a signing limit): it does not count while flagged. */
  flag: 'address' | 'domain' | null;
  /** Which privacy notice and consent wording the signer saw (domain/consent.ts). */
  consent_version: number;
  /** Set when personal data was removed after the petition closed. */
  anonymised_at: string | null;
  /** Confirmation and "already signed" mails queued for this signature: capped per petition. */
  confirmation_mails: number;
}

export type UpdateType = 'milestone' | 'update' | 'victory';

export interface UpdateTable {
  id: Generated<number>;
  petition_id: number;
  type: UpdateType;
  text: string;
  url: string | null;
  count: number | null;
  created_at: string;
  /** Mail to consenting signers goes out in chunks: 'queued' until every chunk is in the outbox. */
  mail_state: 'queued' | 'done' | null;
  /** The last signature id already mailed. */
  mail_cursor: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** JSON object of extra headers (List-Unsubscribe…). */
  headers: string;
  created_at: string;
  next_attempt_at: string;
  attempts: number;
  locked_until: string | null;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
  /** Which queue it waits in (domain/outbox.ts): sign-up mail overtakes bulk updates. */
  lane: MailLane;
  /** The delivery worker holding the lease; only it may mark the mail sent. */
  claimed_by: string | null;
  /** Why a mail was given up without being sent: a permanent refusal, or too many tries. */
  dropped_reason: MailDropReason | null;
}

/** Mails of the capped kinds sent to one address on one UTC day: a keyed hash, never the address. */
export interface MailQuotaTable {
  recipient_key: string;
  day: string;
  mails: number;
}

/** Every change to a petition's words after creation, so signers keep what they signed. */
export interface PetitionEditTable {
  id: Generated<number>;
  petition_id: number;
  user_id: number | null;
  field: string;
  before: string;
  after: string;
  created_at: string;
  // 014_edits_under_typo_rule
  under_typo_rule: Generated<number>;
}

export type LoginPurpose = 'sign-in' | 'verify-petition';

/** Magic links: single use, expiring; only the hash is stored. */
export interface LoginTokenTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  purpose: LoginPurpose;
  petition_id: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Secrets the app makes for itself (e.g. the key of unsubscribe links), stable across restarts. */
export interface AppSecretTable {
  name: string;
  value: string;
}

/** Signing from one address, domain or country went over a threshold on one petition. */
export interface SigningAlertTable {
  id: Generated<number>;
  petition_id: number;
  kind: 'address' | 'domain' | 'country';
  /** The address hash, domain or country. */
  key: string;
  count: number;
  created_at: string;
  resolved_at: string | null;
}

/** A reader's report of a petition; open until a moderator acts on it or dismisses it. Nothing about the reader is kept. */
export interface ReportTable {
  id: Generated<number>;
  petition_id: number;
  reason: string;
  details: string | null;
  created_at: string;
  resolved_at: string | null;
  resolution: 'actioned' | 'dismissed' | null;
  resolved_by: number | null;
}

/** The audit log: every moderation decision and settings change, who made it and why. Never updated. */
export interface ModerationActionTable {
  id: Generated<number>;
  user_id: number;
  petition_id: number | null;
  action: string;
  reason: string | null;
  created_at: string;
}

/** Kill switches and the banner (domain/site-settings.ts), as key/value rows. */
export interface SiteSettingTable {
  key: string;
  value: string;
  updated_at: string;
}

/** Staff sign-in attempts in the last minutes, by email and by keyed hash of the client address. */
export interface SignInAttemptTable {
  id: Generated<number>;
  key: string;
  created_at: string;
}

/** A staff member's signed-in browser: the cookie holds the token, the row its hash, so ending it here ends it. */
export interface StaffSessionTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

/** An organiser's browser signed in by a magic link: apart from staff sessions, so it never opens /admin. */
export interface OrganiserSessionTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

/** When each recorded job (jobs/schedule.ts) last started, in any process: due again `everyMs` later. */
export interface JobRunTable {
  name: string;
  last_run_at: string;
}

/** The newest drawn share card of a petition (web/share-image-cache.ts; decision 0039). */
export interface ShareCardTable {
  petition_id: number;
  /** A hash of the card's design and words (kind, target, title): any change draws a new card. */
  words_key: string;
  /** The count the card shows. */
  count: number;
  drawn_at: string;
  png: Buffer;
}
