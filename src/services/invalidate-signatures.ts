import ipaddr from 'ipaddr.js';
import { AppError, petitionNotFound, validationError } from '../domain/errors.ts';
import { canonicalDomain } from '../domain/email.ts';
import type { SignatureCriteria } from '../store/fraud-queries.ts';
import type { User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { DATE_TEXT_MAX, INVALIDATION_LIMITS } from '../domain/fields.ts';

/** Who may look at signing alerts and invalidate signatures: staff, not organisers. */
export const isStaff = (user: Pick<User, 'role'>): boolean => user.role === 'admin' || (user.role as string) === 'moderator';

export function requireStaff(user: User): void {
  if (!isStaff(user)) throw new AppError('FORBIDDEN', 'Only administrators and moderators can do that.');
}

const readTime = (f: FieldReader, field: string, label: string): Date | null => {
  const raw = f.text(field, { label, max: DATE_TEXT_MAX });
  if (raw === null) return null;
  // A browser's date-and-time field sends no zone ("2026-11-28T14:00"): staff pages say times are UTC.
  const at = new Date(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw) ? `${raw}Z` : raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) {
    f.addError(field, `${label} must be a date and time like 2026-11-28T14:00:00Z.`);
    return null;
  }
  return at;
};

export interface InvalidationCriteria {
  criteria: SignatureCriteria;
  petitionSlug: string | null;
  /** In words, for the audit log and the confirmation page; never the address itself. */
  description: string;
}

/**
 * Reads what a bulk invalidation should hit: a client address (matched through its hashes over
 * the days whose keys still exist), the address or domain behind a signing alert, an email domain,
 * a time window, or a mix; always narrowed to one petition when one is named (an alert names its
 * own). Something besides the petition must be given.
 */
export async function readCriteria(ctx: ServiceContext, raw: Record<string, unknown>): Promise<InvalidationCriteria> {
  const f = new FieldReader(raw);
  const alert = await readAlert(ctx, f);
  let petitionSlug = f.text('petition', { label: 'Petition', max: INVALIDATION_LIMITS.petition });
  if (alert) {
    if (petitionSlug !== null && petitionSlug !== alert.petitionSlug) f.addError('petition', `Alert ${alert.id} is about another petition ("${alert.petitionSlug}").`);
    petitionSlug = alert.petitionSlug;
  }
  const address = f.text('address', { label: 'Internet address', max: INVALIDATION_LIMITS.address });
  if (address !== null && !ipaddr.isValid(address)) f.addError('address', 'Enter an IPv4 or IPv6 address, like 203.0.113.7.');
  const typedDomain = f.text('domain', { label: 'Email domain', max: INVALIDATION_LIMITS.domain })?.replace(/^@/, '') ?? null;
  // Stored addresses carry their domain in ASCII: exämple.com is found as xn--exmple-cua.com.
  const domain = typedDomain !== null ? (canonicalDomain(typedDomain) ?? typedDomain.toLowerCase()) : alert?.kind === 'domain' ? alert.key : null;
  if (alert?.kind === 'domain' && domain !== alert.key) f.addError('domain', `Alert ${alert.id} is about ${alert.key}: leave the domain empty or give that one.`);
  const alertHash = alert?.kind === 'address' ? alert.key : null;
  if (alertHash !== null && address !== null) f.addError('address', 'An alert already names the address: leave this empty.');
  if (domain !== null && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) f.addError('domain', 'Enter a domain like example.org.');
  const from = readTime(f, 'from', 'From');
  const to = readTime(f, 'to', 'To');
  if (from && to && from >= to) f.addError('to', 'To must be after From.');
  if (f.ok && address === null && alertHash === null && domain === null && from === null && to === null) {
    f.addError('address', 'Give an address, a domain or a time window: invalidating a whole petition is not allowed.');
  }
  let petitionId: number | null = null;
  if (petitionSlug !== null && f.ok) {
    const petition = await ctx.store.findPetitionBySlug(petitionSlug);
    if (!petition) f.addError('petition', `There is no petition "${petitionSlug}".`);
    else petitionId = petition.id;
  }
  if (!f.ok) throw validationError(f.errors);
  const ipHashes = alertHash !== null ? [alertHash] : address === null ? null : await ctx.screening.addresses.hashesOver(ipaddr.process(address).toString(), ctx.clock());
  const words = [
    address !== null ? 'from one internet address' : alertHash !== null ? `from the address of alert ${alert!.id}` : null,
    domain !== null ? `with emails at ${domain}` : null,
    from !== null ? `made from ${from.toISOString()}` : null,
    to !== null ? `made before ${to.toISOString()}` : null,
  ].filter((w) => w !== null);
  const description = `Signatures ${words.join(', ')}${petitionSlug !== null ? ` on "${petitionSlug}"` : ' on any petition'}`;
  return { criteria: { petitionId, ipHashes, domain, from, to }, petitionSlug, description };
}

/** An alert given by id: its address or domain is what to invalidate (country alerts are too broad). */
async function readAlert(ctx: ServiceContext, f: FieldReader) {
  const raw = f.text('alert', { label: 'Alert', max: INVALIDATION_LIMITS.alert });
  if (raw === null) return undefined;
  const alert = /^\d+$/.test(raw) ? await ctx.store.findSigningAlert(Number(raw)) : undefined;
  if (!alert) return void f.addError('alert', `There is no signing alert ${raw}.`);
  if (alert.kind === 'country') return void f.addError('alert', 'A country is too broad to invalidate: give a domain, an address or a time window instead.');
  return alert;
}

async function slugsById(ctx: ServiceContext, ids: number[]): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (const id of ids) map.set(id, (await ctx.store.findPetitionById(id))?.slug ?? String(id));
  return map;
}

export async function previewInvalidation(ctx: ServiceContext, user: User, raw: Record<string, unknown>) {
  requireStaff(user);
  const { criteria, description } = await readCriteria(ctx, raw);
  const rows = await ctx.store.previewInvalidation(criteria);
  const slugs = await slugsById(ctx, rows.map((r) => r.petitionId));
  return {
    description,
    signatures: rows.reduce((n, r) => n + r.signatures, 0),
    counted: rows.reduce((n, r) => n + r.counted, 0),
    petitions: rows.map((r) => ({ slug: slugs.get(r.petitionId)!, signatures: r.signatures, counted: r.counted })),
  };
}

/** Invalidates and recounts in one transaction with its audit row. */
export async function applyInvalidation(ctx: ServiceContext, user: User, raw: Record<string, unknown>) {
  requireStaff(user);
  const { criteria, description } = await readCriteria(ctx, raw);
  const now = ctx.clock();
  const { invalidated, counts } = await ctx.store.transaction(async (tx) => {
    const done = await tx.invalidateSignatures(criteria);
    await tx.recordModerationAction({ userId: user.id, petitionId: criteria.petitionId, action: 'invalidate', reason: `${description}: ${done.invalidated} invalidated`, at: now });
    return done;
  });
  const slugs = await slugsById(ctx, counts.map((c) => c.petitionId));
  return {
    invalidated,
    petitions: counts.map((c) => ({ slug: slugs.get(c.petitionId)!, signatureCount: c.count })),
  };
}

/** A moderator judged a petition's flagged signatures honest (a campus, a union mailing): they count again. */
export async function countFlaggedSignatures(ctx: ServiceContext, user: User, slug: string): Promise<{ slug: string; signatureCount: number }> {
  requireStaff(user);
  const petition = await ctx.store.findPetitionBySlug(slug);
  if (!petition) throw petitionNotFound();
  const now = ctx.clock();
  const signatureCount = await ctx.store.transaction(async (tx) => {
    const before = (await tx.findPetitionById(petition.id))!.signatureCount;
    const count = await tx.clearFlags(petition.id, 'all');
    await tx.recordModerationAction({ userId: user.id, petitionId: petition.id, action: 'clear-flags', reason: `Flagged signatures now count: ${before} → ${count}`, at: now });
    return count;
  });
  return { slug: petition.slug, signatureCount };
}

/** An alert looked into: it leaves the list, and the audit log says who closed it. */
export async function resolveAlert(ctx: ServiceContext, user: User, id: number): Promise<void> {
  requireStaff(user);
  const alert = Number.isSafeInteger(id) ? await ctx.store.findSigningAlert(id) : undefined;
  const now = ctx.clock();
  await ctx.store.transaction(async (tx) => {
    if (!alert || !(await tx.resolveSigningAlert(id, now))) throw new AppError('NOT_FOUND', 'There is no open alert with this id.');
    await tx.recordModerationAction({ userId: user.id, petitionId: alert.petitionId, action: 'resolve-alert', reason: `Alert ${id}: ${alert.count} signatures by ${alert.kind}`, at: now });
  });
}
