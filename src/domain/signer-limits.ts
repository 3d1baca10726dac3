/**
 * How fast one address, one email domain or one country may sign one petition before the
 * signatures are quietly flagged (written, answered like any other, not counted) or an alert is
 * raised for moderators. Pure: counts in, decisions out.
 */

export interface SigningLimits {
  /** Signatures per petition per hour from one client address before the rest are flagged. */
  perAddress: number;
  /** Signatures per petition per hour from one email domain before the rest are flagged. */
  perDomain: number;
  /** Signatures per petition per hour from one country that raise an alert (never flag). */
  countryAlert: number;
}

export const DEFAULT_SIGNING_LIMITS: SigningLimits = { perAddress: 20, perDomain: 200, countryAlert: 1000 };
export const SIGNING_WINDOW_MS = 60 * 60_000;

/**
 * Domains shared by millions of unrelated people: a viral petition gets thousands of signatures an
 * hour from each, so a per-domain limit on them would flag honest signers.
 */
const SHARED_MAIL_PROVIDERS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'live.com', 'live.co.uk', 'msn.com',
  'yahoo.com', 'yahoo.co.uk', 'ymail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com',
  'pm.me', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.ru', 'yandex.ru', 'yandex.com', 'qq.com', '163.com',
  'btinternet.com', 'sky.com', 'virginmedia.com', 'orange.fr', 'free.fr', 'laposte.net', 'libero.it', 'fastmail.com',
]);

export const emailDomain = (normalisedEmail: string): string => normalisedEmail.slice(normalisedEmail.lastIndexOf('@') + 1);

export type AlertKind = 'address' | 'domain' | 'country';
export type FlagReason = 'address' | 'domain';

export interface SignerKeys {
  /** Keyed hash of the client address; null when the address is allowlisted (a campus, an office). */
  addressHash: string | null;
  /** Null when the domain is allowlisted or a shared mail provider. */
  domain: string | null;
  country: string | null;
}

/** Which counters a signature moves; `allowlistedDomain` comes from the operator's allowlist. */
export function signerKeys(input: { addressHash: string | null; email: string; country: string | null }, allowlistedDomain: (d: string) => boolean): SignerKeys {
  const domain = emailDomain(input.email);
  return {
    addressHash: input.addressHash,
    domain: SHARED_MAIL_PROVIDERS.has(domain) || allowlistedDomain(domain) ? null : domain,
    country: input.country ? input.country.trim().toLowerCase() : null,
  };
}

/** Counter names for one petition, in the order the counts come back. */
export function counterNames(petitionId: number, keys: SignerKeys): Array<{ kind: AlertKind; key: string; name: string }> {
  const names: Array<{ kind: AlertKind; key: string; name: string }> = [];
  if (keys.addressHash) names.push({ kind: 'address', key: keys.addressHash, name: `p${petitionId}:a:${keys.addressHash}` });
  if (keys.domain) names.push({ kind: 'domain', key: keys.domain, name: `p${petitionId}:d:${keys.domain}` });
  if (keys.country) names.push({ kind: 'country', key: keys.country, name: `p${petitionId}:c:${keys.country}` });
  return names;
}

export interface Judgement {
  flag: FlagReason | null;
  /** Raised once per window: only by the signature that crosses the threshold. */
  alerts: Array<{ kind: AlertKind; key: string; count: number }>;
}

/** Given the counts after this signature, whether to flag it and which alerts it raises. */
export function judgeSignature(counted: Array<{ kind: AlertKind; key: string; count: number }>, limits: SigningLimits): Judgement {
  let flag: FlagReason | null = null;
  const alerts: Judgement['alerts'] = [];
  for (const { kind, key, count } of counted) {
    const limit = kind === 'address' ? limits.perAddress : kind === 'domain' ? limits.perDomain : limits.countryAlert;
    if (kind !== 'country' && count > limit) flag ??= kind;
    const threshold = kind === 'country' ? limit : limit + 1;
    if (count === threshold) alerts.push({ kind, key, count });
  }
  return { flag, alerts };
}
