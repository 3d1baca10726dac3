import { canonicaliseStoredEmails } from './canonical-emails.ts';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql, PostgresAdapter, type CreateTableBuilder } from 'kysely';

/** Identity keys are the one place the engines differ in DDL. */
const withId = <T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>) =>
  db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

const m001_core: Migration = {
  async up(db: Kysely<any>) {
    await withId(db, db.schema.createTable('users'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('api_tokens'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('categories'))
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('campaigns'))
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('why', 'text', (c) => c.notNull())
      .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
      .addColumn('goal', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('petitions'))
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('why', 'text', (c) => c.notNull())
      .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
      .addColumn('campaign_id', 'integer', (c) => c.references('campaigns.id'))
      .addColumn('location_name', 'text')
      .addColumn('lat', 'double precision')
      .addColumn('lon', 'double precision')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('signature_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('goal', 'integer', (c) => c.notNull())
      .addColumn('goal_fixed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'integer', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      .addColumn('closes_at', 'text')
      .execute();
    await db.schema.createIndex('petitions_state_created').on('petitions').columns(['state', 'created_at']).execute();

    await withId(db, db.schema.createTable('signatures'))
      .addColumn('petition_id', 'integer', (c) => c.notNull().references('petitions.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('postcode', 'text')
      .addColumn('country', 'text')
      .addColumn('consent', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('mailed_at', 'text')
      .addUniqueConstraint('signatures_one_per_email', ['petition_id', 'email'])
      .execute();

    await withId(db, db.schema.createTable('updates'))
      .addColumn('petition_id', 'integer', (c) => c.notNull().references('petitions.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('count', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('updates_petition_created').on('updates').columns(['petition_id', 'created_at']).execute();
    // A safety net under the batcher's logic: a milestone can exist once per petition.
    await db.schema
      .createIndex('updates_one_milestone')
      .on('updates')
      .columns(['petition_id', 'count'])
      .unique()
      .where(sql.ref('type'), '=', 'milestone')
      .execute();

    await withId(db, db.schema.createTable('outbox'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('failed_at', 'text')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['sent_at', 'failed_at', 'next_attempt_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['outbox', 'updates', 'signatures', 'petitions', 'campaigns', 'categories', 'api_tokens', 'users']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

const m002_organisers: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('petitions').addColumn('verified_at', 'text').execute();
    await db.schema.alterTable('petitions').addColumn('listed', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('petitions').addColumn('closed_at', 'text').execute();
    // Petitions made before organisers existed were made by administrators: verified when created.
    await db.updateTable('petitions').set({ verified_at: sql.ref('created_at') }).execute();
    await db.schema.createIndex('petitions_created_by').on('petitions').column('created_by').execute();
    await db.schema.createIndex('petitions_open_closes').on('petitions').columns(['state', 'closes_at']).execute();
    await db.schema.alterTable('updates').addColumn('mail_state', 'text').execute();
    await db.schema.alterTable('updates').addColumn('mail_cursor', 'integer').execute();
    await withId(db, db.schema.createTable('petition_edits'))
      .addColumn('petition_id', 'integer', (c) => c.notNull().references('petitions.id'))
      .addColumn('user_id', 'integer', (c) => c.references('users.id'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('before', 'text', (c) => c.notNull())
      .addColumn('after', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('login_tokens'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('petition_id', 'integer', (c) => c.references('petitions.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema
      .createTable('app_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['app_secrets', 'login_tokens', 'petition_edits']) await db.schema.dropTable(table).execute();
    await db.schema.dropIndex('petitions_open_closes').execute();
    await db.schema.dropIndex('petitions_created_by').execute();
    for (const column of ['mail_cursor', 'mail_state']) await db.schema.alterTable('updates').dropColumn(column).execute();
    for (const column of ['closed_at', 'listed', 'verified_at']) await db.schema.alterTable('petitions').dropColumn(column).execute();
  },
};

// Delivery walks a petition's confirmed signatures in confirmation order, a page at a time (keyset).
const m003_delivery_index: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('signatures_delivery').on('signatures').columns(['petition_id', 'state', 'confirmed_at', 'id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('signatures_delivery').execute();
  },
};

// Full-text search over title, target, text and why: FTS5 on SQLite, a GIN expression index on PostgreSQL.
// Both tokenise words of letters and digits, keep accents, and are queried word by word as prefixes.
const m004_search: Migration = {
  async up(db: Kysely<any>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`create index petitions_fulltext on petitions using gin (to_tsvector('simple', title || ' ' || target || ' ' || body || ' ' || why))`.execute(db);
      return;
    }
    await sql`create virtual table petitions_fts using fts5(title, target, body, why, content='petitions', content_rowid='id', tokenize='unicode61 remove_diacritics 0')`.execute(db);
    await sql`insert into petitions_fts(rowid, title, target, body, why) select id, title, target, body, why from petitions`.execute(db);
    await sql`create trigger petitions_fts_insert after insert on petitions begin
      insert into petitions_fts(rowid, title, target, body, why) values (new.id, new.title, new.target, new.body, new.why); end`.execute(db);
    await sql`create trigger petitions_fts_delete after delete on petitions begin
      insert into petitions_fts(petitions_fts, rowid, title, target, body, why) values ('delete', old.id, old.title, old.target, old.body, old.why); end`.execute(db);
    // Only a change of the words touches the index: count updates on the signing path do not.
    await sql`create trigger petitions_fts_update after update of title, target, body, why on petitions begin
      insert into petitions_fts(petitions_fts, rowid, title, target, body, why) values ('delete', old.id, old.title, old.target, old.body, old.why);
      insert into petitions_fts(rowid, title, target, body, why) values (new.id, new.title, new.target, new.body, new.why); end`.execute(db);
  },
  async down(db: Kysely<any>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) return void (await sql`drop index petitions_fulltext`.execute(db));
    for (const t of ['petitions_fts_update', 'petitions_fts_delete', 'petitions_fts_insert']) await sql`drop trigger ${sql.raw(t)}`.execute(db);
    await sql`drop table petitions_fts`.execute(db);
  },
};

// Campaigns: which fields their local petitions may not change; local petitions found by campaign.
const m005_campaigns: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('campaigns').addColumn('locked_fields', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.createIndex('petitions_campaign').on('petitions').columns(['campaign_id', 'signature_count']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('petitions_campaign').execute();
    await db.schema.alterTable('campaigns').dropColumn('locked_fields').execute();
  },
};

// Signer trust: hashed addresses, flags, consent versions, anonymisation, alerts for moderators.
const m008_signer_trust: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('signatures').addColumn('ip_hash', 'text').execute();
    await db.schema.alterTable('signatures').addColumn('flag', 'text').execute();
    await db.schema.alterTable('signatures').addColumn('consent_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('signatures').addColumn('anonymised_at', 'text').execute();
    await db.schema.createIndex('signatures_ip_hash').on('signatures').columns(['ip_hash']).execute();
    await withId(db, db.schema.createTable('signing_alerts'))
      .addColumn('petition_id', 'integer', (c) => c.notNull().references('petitions.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .execute();
    await db.schema.createIndex('signing_alerts_open').on('signing_alerts').columns(['resolved_at', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('signing_alerts').execute();
    await db.schema.dropIndex('signatures_ip_hash').execute();
    for (const column of ['anonymised_at', 'consent_version', 'flag', 'ip_hash']) await db.schema.alterTable('signatures').dropColumn(column).execute();
  },
};

// Moderation: review state on petitions, readers' reports, the audit log, site settings, staff sign-in attempts.
const m007_moderation: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('petitions').addColumn('reviewed_at', 'text').execute();
    await withId(db, db.schema.createTable('reports'))
      .addColumn('petition_id', 'integer', (c) => c.notNull().references('petitions.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('details', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('resolution', 'text')
      .addColumn('resolved_by', 'integer', (c) => c.references('users.id'))
      .execute();
    await db.schema.createIndex('reports_open').on('reports').columns(['petition_id', 'resolved_at']).execute();
    await withId(db, db.schema.createTable('moderation_actions'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('petition_id', 'integer', (c) => c.references('petitions.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('moderation_actions_petition').on('moderation_actions').columns(['petition_id', 'action']).execute();
    await db.schema
      .createTable('site_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db, db.schema.createTable('sign_in_attempts'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sign_in_attempts_key').on('sign_in_attempts').columns(['key', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['sign_in_attempts', 'site_settings', 'moderation_actions', 'reports']) await db.schema.dropTable(table).execute();
    await db.schema.alterTable('petitions').dropColumn('reviewed_at').execute();
  },
};

// Staff sessions kept on the server, so they can be ended from the admin area; and the state a
// petition was hidden from, so a moderator can restore it as it was.
const m009_staff_sessions: Migration = {
  async up(db: Kysely<any>) {
    await withId(db, db.schema.createTable('staff_sessions'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('staff_sessions_user').on('staff_sessions').columns(['user_id', 'expires_at']).execute();
    await db.schema.alterTable('petitions').addColumn('hidden_from', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('petitions').dropColumn('hidden_from').execute();
    await db.schema.dropTable('staff_sessions').execute();
  },
};

// Mail delivery that keeps up (decision 0027): lanes so sign-up mail overtakes bulk updates, the
// worker that holds a lease named on the row, why a mail was dropped, a per-signature count of
// confirmation mails and a per-address daily count, both against mail bombing.
const m010_mail_delivery: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('outbox').addColumn('lane', 'text', (c) => c.notNull().defaultTo('priority')).execute();
    await db.updateTable('outbox').set({ lane: 'bulk' }).where('kind', 'in', ['petition-update', 'petition-victory']).execute();
    await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable('outbox').addColumn('dropped_reason', 'text').execute();
    await db.schema.dropIndex('outbox_due').execute();
    // Only waiting mail is indexed: the index stays small however much mail has been sent.
    await db.schema
      .createIndex('outbox_waiting')
      .on('outbox')
      .columns(['lane', 'next_attempt_at', 'id'])
      .where(sql.ref('sent_at'), 'is', null)
      .where(sql.ref('failed_at'), 'is', null)
      .execute();
    await db.schema.createIndex('outbox_sent_at').on('outbox').column('sent_at').execute();
    await db.schema.alterTable('signatures').addColumn('confirmation_mails', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.updateTable('signatures').set({ confirmation_mails: 1 }).where('mailed_at', 'is not', null).execute();
    await db.schema
      .createTable('mail_quota')
      .addColumn('recipient_key', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('mails', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('mail_quota_pk', ['recipient_key', 'day'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('mail_quota').execute();
    await db.schema.alterTable('signatures').dropColumn('confirmation_mails').execute();
    await db.schema.dropIndex('outbox_sent_at').execute();
    await db.schema.dropIndex('outbox_waiting').execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['sent_at', 'failed_at', 'next_attempt_at']).execute();
    for (const column of ['dropped_reason', 'claimed_by', 'lane']) await db.schema.alterTable('outbox').dropColumn(column).execute();
  },
};

// Canonical email addresses (decision 0029): stored addresses take the form new ones are stored in.
const m011_canonical_emails: Migration = {
  async up(db: Kysely<any>) {
    await canonicaliseStoredEmails(db);
  },
  // Nothing to undo: the canonical form is an address the old code also accepted.
  async down() {},
};

// Organiser sessions kept on the server (decision 0030): signing out ends them, not just the cookie.
const m012_organiser_sessions: Migration = {
  async up(db: Kysely<any>) {
    await withId(db, db.schema.createTable('organiser_sessions'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('organiser_sessions_expires').on('organiser_sessions').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('organiser_sessions').execute();
  },
};

// Edits made while people had signed (decision 0034): the typo rule measures each fix against the
// words they signed, found from the log. Older edits are judged by whether a confirmed signature
// came before them.
const m014_edits_under_typo_rule: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('petition_edits').addColumn('under_typo_rule', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db
      .updateTable('petition_edits')
      .set({ under_typo_rule: 1 })
      .where(sql<boolean>`exists (select 1 from signatures s where s.petition_id = petition_edits.petition_id and s.confirmed_at <= petition_edits.created_at)`)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('petition_edits').dropColumn('under_typo_rule').execute();
  },
};

// When each recurring job last started (decision 0036): a restart or another process does not run it
// again within its interval, and one that is due runs soon after start instead of an interval later.
const m015_job_runs: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_runs')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_run_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('job_runs').execute();
  },
};

// Drawn share cards kept per petition (decision 0039): a restart or another process serves the card
// already drawn instead of drawing it again. Bytes are the one column type the engines name differently.
const m016_share_cards: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('share_cards')
      .addColumn('petition_id', 'integer', (c) => c.primaryKey().references('petitions.id').onDelete('cascade'))
      .addColumn('words_key', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('drawn_at', 'text', (c) => c.notNull())
      .addColumn('png', db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('share_cards').execute();
  },
};

/** One migration set for both engines, in code so it ships with the app. */
const MIGRATIONS: Record<string, Migration> = {
  '001_core': m001_core,
  '002_organisers': m002_organisers,
  '003_delivery_index': m003_delivery_index,
  '004_search': m004_search,
  '005_campaigns': m005_campaigns,
  '007_moderation': m007_moderation,
  '008_signer_trust': m008_signer_trust,
  '009_staff_sessions': m009_staff_sessions,
  '010_mail_delivery': m010_mail_delivery,
  '011_canonical_emails': m011_canonical_emails,
  '012_organiser_sessions': m012_organiser_sessions,
  '014_edits_under_typo_rule': m014_edits_under_typo_rule,
  '015_job_runs': m015_job_runs,
  '016_share_cards': m016_share_cards,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Up to and including one migration: for tests of a later migration on data stored before it. */
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw new Error(`Migration to ${name} failed: ${String(error)}`);
}

// Unordered: work lands from parallel branches, so a later-numbered migration may already be applied.
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
