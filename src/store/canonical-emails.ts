import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { canonicalEmail, deliveredMailbox } from '../domain/email.ts';

/**
 * Migration 011 (decision 0029): addresses stored before canonical addresses take their canonical
 * form, so a signer who comes back is matched however they type it. Where several rows of one
 * petition reached one mailbox (a zero-width space, a soft hyphen, quotes, an IDN domain in two
 * forms), one stays and the rest are invalidated (kept, never counted) and the petition recounted:
 * they were one person signing more than once. The survivor is the row already in canonical form,
 * else the earliest. A user whose canonical address is another user's keeps the old one.
 */
export async function canonicaliseStoredEmails(db: Kysely<any>): Promise<{ rewritten: number; invalidated: number }> {
  // Stored addresses were already NFC and lower case: only those with a character outside
  // printable ASCII or a quote can differ from their canonical form.
  const notPlain =
    db.getExecutor().adapter instanceof PostgresAdapter ? sql<boolean>`email ~ '[^ -~]|"'` : sql<boolean>`(email GLOB '*[^ -~]*' OR instr(email, '"') > 0)`;
  let rewritten = 0;
  let invalidated = 0;

  const signatures = await db.selectFrom('signatures').select(['id', 'petition_id', 'email']).where(notPlain).orderBy('id').execute();
  const claimed = new Set<string>();
  const recount = new Set<number>();
  for (const row of signatures) {
    const address = canonicalEmail(deliveredMailbox(row.email)).address;
    if (!address || address === row.email) continue;
    const key = `${row.petition_id} ${address}`;
    const holder = claimed.has(key) || (await db.selectFrom('signatures').select('id').where('petition_id', '=', row.petition_id).where('email', '=', address).executeTakeFirst());
    if (holder) {
      await db.updateTable('signatures').set({ state: 'invalidated' }).where('id', '=', row.id).execute();
      recount.add(row.petition_id);
      invalidated++;
    } else {
      await db.updateTable('signatures').set({ email: address }).where('id', '=', row.id).execute();
      rewritten++;
    }
    claimed.add(key);
  }
  for (const petitionId of recount) {
    await db
      .updateTable('petitions')
      .set({ signature_count: sql`(select count(*) from signatures where petition_id = ${petitionId} and state = 'confirmed' and flag is null)` })
      .where('id', '=', petitionId)
      .execute();
  }

  const users = await db.selectFrom('users').select(['id', 'email']).where(notPlain).orderBy('id').execute();
  for (const row of users) {
    const address = canonicalEmail(deliveredMailbox(row.email)).address;
    if (!address || address === row.email) continue;
    if (await db.selectFrom('users').select('id').where('email', '=', address).executeTakeFirst()) continue;
    await db.updateTable('users').set({ email: address }).where('id', '=', row.id).execute();
    rewritten++;
  }
  return { rewritten, invalidated };
}
