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
