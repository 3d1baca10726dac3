import { AppError } from '../domain/errors.ts';
import { searchTerms, SORTS, type SearchSort } from '../domain/search-terms.ts';
import type { PetitionSearch, SearchCursor, SearchHit } from '../store/search-queries.ts';
import type { ServiceContext } from './context.ts';
import { PAGE_SIZE, SEARCH_LIMITS } from '../domain/fields.ts';

export interface SearchParams {
  q?: unknown;
  category?: unknown;
  campaign?: unknown;
  near?: unknown;
  sort?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

const bad = (field: string, message: string, hint: string) => new AppError('MALFORMED_BODY', message, { [field]: hint });

/** One value per parameter: a repeated one (?a=1&a=2) is a client error, not a guess. */
function single(params: SearchParams, field: keyof SearchParams): string | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(field, `Give ${field} once.`, 'Give it once.');
  return value;
}

export function encodeCursor(c: SearchCursor): string {
  return 'offset' in c ? `o${c.offset}` : c.after.key === c.after.id ? String(c.after.id) : `${c.after.key}_${c.after.id}`;
}

/** Cursors come from a previous page's `next`, for the same sort; anything else is a 400. */
function parseCursor(raw: string | undefined, sort: SearchSort, near: boolean): SearchCursor | null {
  if (raw === undefined || raw === '') return null;
  const fail = () => bad('cursor', 'The cursor is not valid.', 'Use the "next" value of a previous page, with the same sort.');
  if (near || sort === 'trending') {
    const m = /^o(\d{1,7})$/.exec(raw);
    if (!m) throw fail();
    return { offset: Number(m[1]) };
  }
  if (sort === 'popular') {
    const m = /^(\d{1,12})_(\d{1,12})$/.exec(raw) ?? /^()(\d{1,12})$/.exec(raw);
    if (!m) throw fail();
    const id = Number(m[2]);
    return { after: { key: m[1] === '' ? id : Number(m[1]), id } };
  }
  if (!/^\d{1,12}$/.test(raw)) throw fail();
  return { after: { key: Number(raw), id: Number(raw) } };
}

/** Reads and checks the browse/search parameters shared by the API and the page. */
export function readSearch(params: SearchParams, now: Date, limitDefault: number = PAGE_SIZE.default): PetitionSearch {
  const sortRaw = single(params, 'sort') ?? 'recent';
  if (!(SORTS as readonly string[]).includes(sortRaw)) throw bad('sort', `sort must be one of ${SORTS.join(', ')}.`, `Use ${SORTS.join(', ')}.`);
  const sort = sortRaw as SearchSort;
  const limitRaw = single(params, 'limit') ?? String(limitDefault);
  const limit = Number(limitRaw);
  if (!/^\d+$/.test(limitRaw) || limit < PAGE_SIZE.min || limit > PAGE_SIZE.max) throw bad('limit', `limit must be a whole number from ${PAGE_SIZE.min} to ${PAGE_SIZE.max}.`, `Use ${PAGE_SIZE.min} to ${PAGE_SIZE.max}.`);
  const nearRaw = single(params, 'near');
  let near: PetitionSearch['near'] = null;
  if (nearRaw !== undefined && nearRaw !== '') {
    const m = /^\s*(-?\d{1,3}(?:\.\d{1,10})?)\s*,\s*(-?\d{1,3}(?:\.\d{1,10})?)\s*$/.exec(nearRaw);
    const lat = Number(m?.[1]);
    const lon = Number(m?.[2]);
    if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw bad('near', 'near must be LAT,LON in degrees, like 52.2,0.12.', 'Latitude -90 to 90, longitude -180 to 180.');
    near = { lat, lon };
  }
  // Any text is a search: over-long input is cut, never refused.
  const q = (single(params, 'q') ?? '').slice(0, SEARCH_LIMITS.q);
  const text = (field: 'category' | 'campaign') => single(params, field)?.trim().slice(0, 100) || null;
  return {
    terms: searchTerms(q),
    category: text('category'),
    campaign: text('campaign'),
    near,
    sort,
    limit,
    cursor: parseCursor(single(params, 'cursor'), sort, near !== null),
    trendingSince: new Date(now.getTime() - 24 * 3600_000),
  };
}

export async function searchPetitions(ctx: Pick<ServiceContext, 'store' | 'clock'>, search: PetitionSearch): Promise<{ hits: SearchHit[]; next: string | null }> {
  const { hits, next } = await ctx.store.searchPetitions(search);
  return { hits, next: next && encodeCursor(next) };
}
