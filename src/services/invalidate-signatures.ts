import ipaddr from 'ipaddr.js';
import { AppError, validationError } from '../domain/errors.ts';
import type { SignatureCriteria } from '../store/fraud-queries.ts';
import type { User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';

/** Who may look at signing alerts and invalidate signatures: staff, not organisers. */
export const isStaff = (user: Pick<User, 'role'>): boolean => user.role === 'admin' || (user.role as string) === 'moderator';

export function requireStaff(user: User): void {
  if (!isStaff(user)) throw new AppError('FORBIDDEN', 'Only administrators and moderators can do that.');
}

const readTime = (f: FieldReader, field: string, label: string): Date | null => {
  const raw = f.text(field, { label, max: 40 });
  if (raw === null) return null;
  const at = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) {
    f.addError(field, `${label} must be a date and time like 2026-11-28T14:00:00Z.`);
    return null;
  }
  return at;
};

/**
 * Reads what a bulk invalidation should hit: a client address (matched through its hashes over
 * the days whose keys still exist), an email domain, a time window, or a mix; always narrowed to
 * one petition when one is named. Something besides the petition must be given.
 */
export async function readCriteria(ctx: ServiceContext, raw: Record<string, unknown>): Promise<{ criteria: SignatureCriteria; petitionSlug: string | null }> {
  const f = new FieldReader(raw);
  const petitionSlug = f.text('petition', { label: 'Petition', max: 120 });
  const address = f.text('address', { label: 'Internet address', max: 45 });
  if (address !== null && !ipaddr.isValid(address)) f.addError('address', 'Enter an IPv4 or IPv6 address, like 203.0.113.7.');
  const domain = f.text('domain', { label: 'Email domain', max: 253 })?.toLowerCase().replace(/^@/, '') ?? null;
  if (domain !== null && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) f.addError('domain', 'Enter a domain like example.org.');
  const from = readTime(f, 'from', 'From');
  const to = readTime(f, 'to', 'To');
  if (from && to && from >= to) f.addError('to', 'To must be after From.');
  if (f.ok && address === null && domain === null && from === null && to === null) {
    f.addError('address', 'Give an address, a domain or a time window: invalidating a whole petition is not allowed.');
  }
  let petitionId: number | null = null;
  if (petitionSlug !== null && f.ok) {
    const petition = await ctx.store.findPetitionBySlug(petitionSlug);
    if (!petition) f.addError('petition', `There is no petition "${petitionSlug}".`);
    else petitionId = petition.id;
  }
  if (!f.ok) throw validationError(f.errors);
  const ipHashes = address === null ? null : await ctx.screening.addresses.hashesOver(ipaddr.process(address).toString(), ctx.clock());
  return { criteria: { petitionId, ipHashes, domain, from, to }, petitionSlug };
}

async function slugsById(ctx: ServiceContext, ids: number[]): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (const id of ids) map.set(id, (await ctx.store.findPetitionById(id))?.slug ?? String(id));
  return map;
}

export async function previewInvalidation(ctx: ServiceContext, user: User, raw: Record<string, unknown>) {
  requireStaff(user);
  const { criteria } = await readCriteria(ctx, raw);
  const rows = await ctx.store.previewInvalidation(criteria);
  const slugs = await slugsById(ctx, rows.map((r) => r.petitionId));
  return {
    signatures: rows.reduce((n, r) => n + r.signatures, 0),
    counted: rows.reduce((n, r) => n + r.counted, 0),
    petitions: rows.map((r) => ({ slug: slugs.get(r.petitionId)!, signatures: r.signatures, counted: r.counted })),
  };
}

export async function applyInvalidation(ctx: ServiceContext, user: User, raw: Record<string, unknown>) {
  requireStaff(user);
  const { criteria } = await readCriteria(ctx, raw);
  const { invalidated, counts } = await ctx.store.invalidateSignatures(criteria);
  const slugs = await slugsById(ctx, counts.map((c) => c.petitionId));
  return {
    invalidated,
    petitions: counts.map((c) => ({ slug: slugs.get(c.petitionId)!, signatureCount: c.count })),
  };
}
