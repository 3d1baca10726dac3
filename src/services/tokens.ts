import { hash, randomFillSync } from 'node:crypto';

const SECRET_BYTES = 32;
/**
 * Random bytes for 128 secrets, drawn from the CSPRNG at once. Each `randomBytes(32)` call costs a
 * trip into OpenSSL and a new buffer (under load, about a twentieth of a signature's time); one fill
 * per 128 secrets costs next to nothing. Every byte is handed out once and never reused: the offset
 * only moves forward until the next refill. (Node's own randomUUID keeps a cache the same way; our
 * processes are spawned, never forked, so no two share a pool.)
 */
const pool = Buffer.alloc(SECRET_BYTES * 128);
let offset = pool.length;

/** A secret for a link or an API token: 256 bits, URL-safe. Only its hash is stored. */
export const newSecret = (): string => {
  if (offset + SECRET_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const secret = pool.toString('base64url', offset, offset + SECRET_BYTES);
  offset += SECRET_BYTES;
  return secret;
};

/** SHA-256 in hex. The one-shot `hash` skips the Hash object `createHash` builds (a third of the cost). */
export const hashSecret = (secret: string): string => hash('sha256', secret, 'hex');

/**
 * A signature's link: its creation time (milliseconds, base 36, fixed width until 2059), a dot, then
 * a secret. The stored key keeps the time in front of the hash (signatureTokenKey), so each batch's
 * keys land side by side at the end of the unique index instead of on a random page each: with a
 * random key, that index was most of the pages a commit wrote (about 5 KB per signature to the
 * write-ahead log, and as much again at the checkpoint). The time adds nothing to guessing: the
 * secret is 256 bits either way, and the signer's own data page shows the time anyway.
 */
export const newSignatureToken = (now: Date): string => `${now.getTime().toString(36)}.${newSecret()}`;

/** The shape of a signature's link secret, with or without its time: anything else is not looked up. */
export const looksLikeSignatureToken = (token: string): boolean => /^(?:[0-9a-z]{1,12}\.)?[A-Za-z0-9_-]{20,100}$/.test(token);

/** The stored key of a signature's token; a token from before time prefixes (no dot) is its bare hash. */
export const signatureTokenKey = (token: string): string => {
  const dot = token.indexOf('.');
  return dot > 0 ? `${token.slice(0, dot)}.${hashSecret(token)}` : hashSecret(token);
};
