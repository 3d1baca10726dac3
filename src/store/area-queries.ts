import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Confirmed, counted signatures grouped by what they say of where they are; areas are drawn in the domain. */
export async function signaturePlaces(db: Kysely<Database>, petitionId: number): Promise<Array<{ postcode: string | null; country: string | null; count: number }>> {
  const rows = await db
    .selectFrom('signatures')
    .select((eb) => ['postcode', 'country', eb.fn.countAll<number>().as('count')])
    .where('petition_id', '=', petitionId)
    .where('state', '=', 'confirmed')
    .where('flag', 'is', null)
    .groupBy(['postcode', 'country'])
    .execute();
  return rows.map((r) => ({ postcode: r.postcode, country: r.country, count: Number(r.count) }));
}
