import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Counted signatures grouped by what they say of where they are; `outward`: see signaturePlaces. */
export interface SignaturePlace {
  outward: string | null;
  country: string | null;
  count: number;
}

/** The postcode in capitals without spaces or hyphens (validation leaves only A–Z, 0–9 after that). */
const compact = sql<string>`replace(replace(upper(postcode), ' ', ''), '-', '')`;
const len = sql<number>`length(${compact})`;
const charAt = (fromEnd: number) => sql<string>`substr(${compact}, ${len} - ${sql.lit(fromEnd)}, 1)`;
/**
 * A UK postcode's outward part: the whole postcode less a final digit-letter-letter (its inward part),
 * or a bare outward code (what anonymised signatures keep). Anything else is null. Done in SQL so a
 * petition with a million signatures returns a few thousand groups, not its distinct postcodes.
 * Portable: replace, upper, length, substr, CASE behave alike on SQLite and PostgreSQL.
 */
const outward = sql<string | null>`case
  when ${len} between 5 and 7 and ${charAt(2)} between '0' and '9' and ${charAt(1)} between 'A' and 'Z' and ${charAt(0)} between 'A' and 'Z'
    then substr(${compact}, 1, ${len} - 3)
  when ${len} between 2 and 4 then ${compact}
  else null end`;
const country = sql<string | null>`lower(trim(country))`;

/**
 * Confirmed, counted signatures of one petition by (postcode outward part, country as typed); areas
 * are drawn in the domain. Two steps: group by the raw columns (a scan of the petition's rows), then
 * work out districts once per distinct postcode, not once per signature. On SQLite, 1M signatures:
 * about 0.8 s, against 4.5 s with the expressions on every row (decision 0016).
 */
export async function signaturePlaces(db: Kysely<Database>, petitionId: number): Promise<SignaturePlace[]> {
  const places = db
    .selectFrom('signatures')
    .select((eb) => ['postcode', 'country', eb.fn.countAll<number | string>().as('n')])
    .where('petition_id', '=', petitionId)
    .where('state', '=', 'confirmed')
    .where('flag', 'is', null)
    .groupBy(['postcode', 'country'])
    .as('places');
  const rows = await db
    .selectFrom(places)
    .select((eb) => [outward.as('outward'), country.as('country_typed'), eb.fn.sum<number | string>('n').as('count')])
    .groupBy([outward, country])
    .execute();
  return rows.map((r) => ({ outward: r.outward, country: r.country_typed, count: Number(r.count) }));
}
