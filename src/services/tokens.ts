import { createHash, randomBytes } from 'node:crypto';

/** A secret for a link or an API token: 256 bits, URL-safe. Only its hash is stored. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
