import { domainToASCII } from 'node:url';
import validator from 'validator';

/**
 * Why an address was refused. `invisible` and `quoted` are their own answers because they are the
 * tricks that let one mailbox sign many times: the mail goes to the same inbox (nodemailer and
 * relays drop the invisible characters and the quotes), but the stored keys differ.
 */
export type EmailProblem = 'format' | 'invisible' | 'quoted';

export type CanonicalEmail = { address: string; problem?: undefined } | { address?: undefined; problem: EmailProblem };

/**
 * Characters nobody types on purpose in an address: zero-width spaces and joiners (U+200B–U+200D,
 * U+2060), the soft hyphen (U+00AD), byte-order marks, bidirectional controls, variation selectors,
 * control, private-use, surrogate and unassigned code points.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/u;
const WHITE_SPACE = /\p{White_Space}/u;
/** ASCII letter-digit-hyphen labels, none an IDNA "xn--" label: IDNA would only lower-case them. */
const PLAIN_DOMAIN = /^(?!xn--)[a-z0-9-]+(?:\.(?!xn--)[a-z0-9-]+)*$/i;

/**
 * The one key for "one signature per mailbox", and the address mail is sent to (decision 0029).
 * Unicode NFC, surrounding white space trimmed, lower-cased; the domain in its ASCII (IDNA) form, so
 * `exämple.com` and `xn--exmple-cua.com` are one domain; invisible characters and quoted local parts
 * refused rather than stripped, so what is stored is what the signer can see. We deliberately do not
 * strip "+tags" or dots: providers differ, and merging two real people's addresses would silently
 * drop a signature.
 */
export function canonicalEmail(raw: string): CanonicalEmail {
  const typed = raw.normalize('NFC').trim();
  if (INVISIBLE.test(typed)) return { problem: 'invisible' };
  if (typed.includes('"')) return { problem: 'quoted' };
  const at = typed.lastIndexOf('@');
  if (at <= 0 || WHITE_SPACE.test(typed)) return { problem: 'format' };
  // domainToASCII answers '' for a name that is not a valid domain. Skipped for plain names: it is
  // most of the cost of an address, and every signature comes here.
  const typedDomain = typed.slice(at + 1);
  const domain = PLAIN_DOMAIN.test(typedDomain) ? typedDomain.toLowerCase() : domainToASCII(typedDomain);
  if (domain === '') return { problem: 'format' };
  const address = `${typed.slice(0, at).toLowerCase().normalize('NFC')}@${domain}`;
  return isEmailAddress(address) ? { address } : { problem: 'format' };
}

/**
 * A domain as canonical addresses carry it (ASCII, lower case), for the places a domain is typed on
 * its own: the allowlist, and invalidating by domain. null when it is not a dotted host name.
 */
export function canonicalDomain(raw: string): string | null {
  const typed = raw.normalize('NFC').trim();
  // Letters, digits, marks, hyphens and dots only: domainToASCII would read "10.0.0.0/8" as a URL host.
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(typed)) return null;
  const domain = PLAIN_DOMAIN.test(typed) ? typed.toLowerCase() : domainToASCII(typed);
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(domain) ? domain : null;
}

/** What each problem tells the person who typed the address. */
export const EMAIL_PROBLEM_MESSAGES: Record<EmailProblem, string> = {
  format: 'Enter an email address like name@example.com.',
  invisible: 'This address contains an invisible character (such as a zero-width space). Type it again without it.',
  quoted: 'Enter the address without quotation marks, like name@example.com.',
};

/**
 * The mailbox a relay would deliver a stored address to: invisible characters dropped and a plain
 * quoted local part unquoted, as nodemailer does. Only for addresses stored before canonical
 * addresses (migration 011), to find the rows that were one mailbox under several keys.
 */
export function deliveredMailbox(stored: string): string {
  const visible = stored.replace(new RegExp(INVISIBLE.source, 'gu'), '');
  return visible.replace(/^"([^"\\\s]+)"@/, '$1@');
}

/**
 * Plain addresses (ASCII dot-atoms at a dotted host name with a letters-only top-level domain),
 * which validator.isEmail with its default options accepts without exception: every label 1–63
 * characters, no label starting or ending with a hyphen, no underscore in the host. Checked before
 * the whole address is known to be at most 254 characters and its local part at most 64.
 */
const PLAIN_ADDRESS = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * validator.isEmail with its default options, answered by one regular expression for the plain
 * addresses nearly every signer types. isEmail itself measures byte lengths by splitting a
 * URI-encoded copy character by character and builds option objects on each call: it was the
 * largest single cost of validating a signature. Anything not plainly valid goes to isEmail, so
 * the answers are the same (test/domain/email.test.ts compares the two).
 */
export const isEmailAddress = (raw: string): boolean =>
  (raw.length <= 254 && raw.indexOf('@') <= 64 && PLAIN_ADDRESS.test(raw)) || validator.isEmail(raw);
