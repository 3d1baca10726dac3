import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** One confirmed signature as it is handed to a petition's target. */
export interface DeliveryRow {
  /** The signature's id: with confirmedAt, the cursor of the next page. */
  id: number;
  name: string;
  postcode: string | null;
  country: string | null;
  confirmedAt: Date;
}

/** A page of the delivery list: rows after `after` (the last row of the previous page), at most `limit`. */
export interface DeliveryPage {
  after: Pick<DeliveryRow, 'confirmedAt' | 'id'> | null;
  limit: number;
}

/**
 * Confirmed signatures, oldest confirmation first (id breaks ties). Without a page it returns them
 * all; with one it returns the next slice by keyset, so a 100k-signature export walks the list in
 * pages and keeps memory flat.
 */
export async function signaturesForDelivery(db: Db, petitionId: number, page?: DeliveryPage): Promise<DeliveryRow[]> {
  let query = db
    .selectFrom('signatures')
    .select(['id', 'name', 'postcode', 'country', 'confirmed_at'])
    .where('petition_id', '=', petitionId)
    .where('state', '=', 'confirmed')
    .where('confirmed_at', 'is not', null)
    .orderBy('confirmed_at')
    .orderBy('id');
  if (page?.after) {
    // Times are ISO text of one width on both engines, so text order is time order.
    const at = page.after.confirmedAt.toISOString();
    const id = page.after.id;
    query = query.where((eb) => eb.or([eb('confirmed_at', '>', at), eb.and([eb('confirmed_at', '=', at), eb('id', '>', id)])]));
  }
  if (page) query = query.limit(page.limit);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    postcode: r.postcode,
    country: r.country,
    confirmedAt: new Date(r.confirmed_at!),
  }));
}
