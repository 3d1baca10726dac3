import validator from 'validator';

/**
 * The key that decides "one signature per email per petition".
 * We trim surrounding white space and lower-case the whole address. We deliberately do not strip
 * "+tags" or dots: providers differ, and merging two real people's addresses would silently drop
 * a signature. Unicode is NFC-normalised so the same visible address has one key.
 */
export const normaliseEmail = (raw: string): string => raw.normalize('NFC').trim().toLowerCase();

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
