import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { EngineName } from './engine.ts';
import type { Petition } from './records.ts';
import { selectPetitions, toPetition } from './petition-queries.ts';
import { PUBLICLY_VISIBLE } from '../domain/petition.ts';
import type { SearchSort } from '../domain/search-terms.ts';

type Db = Kysely<Database>;

/** Where the next page starts: after a (key, id) for keyset sorts, or an offset where keys move (trending, distance). */
export type SearchCursor = { after: { key: number; id: number } } | { offset: number };

export interface PetitionSearch {
  terms: string[];
  category: string | null;
  campaign: string | null;
  near: { lat: number; lon: number } | null;
  sort: SearchSort;
  limit: number;
  cursor: SearchCursor | null;
  /** Trending counts confirmations since this time (24 hours before now). */
  trendingSince: Date;
}

export interface SearchHit extends Petition {
  distanceKm: number | null;
}

/** Great-circle distance in SQL; both engines have these math functions. */
const distanceKm = (lat: number, lon: number) =>
  sql<number>`2 * 6371 * asin(sqrt(power(sin(radians(p.lat - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(p.lat)) * power(sin(radians(p.lon - ${lon}) / 2), 2)))`;

export async function searchPetitions(db: Db, engine: EngineName, s: PetitionSearch): Promise<{ hits: SearchHit[]; next: SearchCursor | null }> {
  let q = selectPetitions(db).where('p.state', 'in', [...PUBLICLY_VISIBLE]).where('p.listed', '=', 1);
  if (s.terms.length > 0) {
    if (engine === 'postgres') {
      const query = s.terms.map((t) => `${t}:*`).join(' & ');
      q = q.where(sql<boolean>`to_tsvector('simple', p.title || ' ' || p.target || ' ' || p.body || ' ' || p.why) @@ to_tsquery('simple', ${query})`);
    } else {
      const match = s.terms.map((t) => `"${t}"*`).join(' AND ');
      q = q.where('p.id', 'in', sql<number>`(select rowid from petitions_fts where petitions_fts match ${match})`);
    }
  }
  if (s.category) q = q.where('c.slug', '=', s.category);
  if (s.campaign) q = q.where('k.slug', '=', s.campaign);
  const offset = s.cursor && 'offset' in s.cursor ? s.cursor.offset : 0;
  const after = s.cursor && 'after' in s.cursor ? s.cursor.after : null;

  let rows;
  if (s.near) {
    const d = distanceKm(s.near.lat, s.near.lon);
    rows = await q.where('p.lat', 'is not', null).where('p.lon', 'is not', null).select(d.as('distance')).orderBy(d).orderBy('p.id').offset(offset).limit(s.limit).execute();
  } else if (s.sort === 'trending') {
    const trend = sql<number>`(select count(*) from signatures s where s.petition_id = p.id and s.state = 'confirmed' and s.confirmed_at >= ${s.trendingSince.toISOString()})`;
    rows = await q.select(trend.as('trend')).orderBy(trend, 'desc').orderBy('p.signature_count', 'desc').orderBy('p.id', 'desc').offset(offset).limit(s.limit).execute();
  } else if (s.sort === 'popular') {
    if (after) q = q.where((eb) => eb.or([eb('p.signature_count', '<', after.key), eb.and([eb('p.signature_count', '=', after.key), eb('p.id', '<', after.id)])]));
    rows = await q.orderBy('p.signature_count', 'desc').orderBy('p.id', 'desc').limit(s.limit).execute();
  } else {
    if (after) q = q.where('p.id', '<', after.id);
    rows = await q.orderBy('p.id', 'desc').limit(s.limit).execute();
  }
  const hits = rows.map((r) => ({ ...toPetition(r), distanceKm: 'distance' in r ? Math.round(Number(r.distance) * 10) / 10 : null }));
  const last = hits[hits.length - 1];
  let next: SearchCursor | null = null;
  if (last && hits.length === s.limit) {
    next = s.near || s.sort === 'trending' ? { offset: offset + hits.length } : { after: { key: s.sort === 'popular' ? last.signatureCount : last.id, id: last.id } };
  }
  return { hits, next };
}
