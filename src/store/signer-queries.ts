import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { postcodeDistrict } from '../domain/postcode.ts';
import { FINISHED } from '../domain/petition.ts';
import { quotaDay } from './mail-quota.ts';

type Db = Kysely<Database>;

/** Everything stored about one signature: what a signer sees on their own data page. */
export interface SignerRecord {
  id: number;
  petitionId: number;
  name: string;
  email: string;
  postcode: string | null;
  country: string | null;
  consent: boolean;
  consentVersion: number;
  state: 'pending' | 'confirmed' | 'invalidated';
  createdAt: Date;
  confirmedAt: Date | null;
  hasAddressHash: boolean;
}

export async function findSignatureByTokenHash(db: Db, tokenHash: string): Promise<SignerRecord | undefined> {
  const r = await db
    .selectFrom('signatures')
    .select(['id', 'petition_id', 'name', 'email', 'postcode', 'country', 'consent', 'consent_version', 'state', 'created_at', 'confirmed_at', 'ip_hash'])
    .where('token_hash', '=', tokenHash)
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      petitionId: r.petition_id,
      name: r.name,
      email: r.email,
      postcode: r.postcode,
      country: r.country,
      consent: r.consent === 1,
      consentVersion: r.consent_version,
      state: r.state,
      createdAt: new Date(r.created_at),
      confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
      hasAddressHash: r.ip_hash !== null,
    }
  );
}

/** Deletes a signature; a counted one takes one off its petition's count. The caller runs it in a transaction. */
export async function removeSignature(db: Db, id: number): Promise<{ petitionId: number; counted: boolean } | undefined> {
  const row = await db.deleteFrom('signatures').where('id', '=', id).returning(['petition_id', 'state', 'flag']).executeTakeFirst();
  if (!row) return undefined;
  const counted = row.state === 'confirmed' && row.flag === null;
  if (counted) {
    await db
      .updateTable('petitions')
      .set((eb) => ({ signature_count: eb('signature_count', '-', 1) }))
      .where('id', '=', row.petition_id)
      .execute();
  }
  return { petitionId: row.petition_id, counted };
}

/**
 * Strips the personal data from up to `limit` signatures of petitions that closed before
 * `closedBefore`: no name, no address, no address hash; the postcode shrinks to its district, so
 * counts and area totals survive. Returns how many it changed.
 */
export async function anonymiseSignatures(db: Db, closedBefore: Date, now: Date, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('signatures as s')
    .innerJoin('petitions as p', 'p.id', 's.petition_id')
    .select(['s.id', 's.postcode'])
    .where('s.anonymised_at', 'is', null)
    .where('p.state', 'in', [...FINISHED])
    .where('p.closed_at', '<', closedBefore.toISOString())
    .orderBy('s.id')
    .limit(limit)
    .execute();
  // One update per distinct district: a chunk touches few of them.
  const byDistrict = new Map<string | null, number[]>();
  for (const r of rows) {
    const district = r.postcode ? postcodeDistrict(r.postcode) : null;
    byDistrict.set(district, [...(byDistrict.get(district) ?? []), r.id]);
  }
  for (const [district, ids] of byDistrict) {
    await db
      .updateTable('signatures')
      .set({
        name: '',
        // Unique per row (the dedupe and token columns are unique), and meaningless.
        email: sql<string>`'anonymised-' || cast(id as text)`,
        token_hash: sql<string>`'anonymised-' || cast(id as text)`,
        postcode: district,
        ip_hash: null,
        consent: 0,
        anonymised_at: now.toISOString(),
      })
      .where('id', 'in', ids)
      .execute();
  }
  return rows.length;
}

/** Delivered or abandoned mail older than `before`: it holds names and addresses, and nothing needs it. */
export async function purgeOldMail(db: Db, before: Date): Promise<number> {
  const at = before.toISOString();
  const result = await db
    .deleteFrom('outbox')
    .where((eb) => eb.or([eb('sent_at', '<', at), eb('failed_at', '<', at)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Daily mail counts of the UTC days before `keepFrom`'s: each is needed only on its own day. */
export async function purgeMailQuota(db: Db, keepFrom: Date): Promise<number> {
  const result = await db.deleteFrom('mail_quota').where('day', '<', quotaDay(keepFrom)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteAppSecrets(db: Db, names: string[]): Promise<void> {
  if (names.length > 0) await db.deleteFrom('app_secrets').where('name', 'in', names).execute();
}

export async function appSecretNames(db: Db, prefix: string): Promise<string[]> {
  const rows = await db.selectFrom('app_secrets').select('name').where('name', 'like', `${prefix}%`).execute();
  return rows.map((r) => r.name);
}
