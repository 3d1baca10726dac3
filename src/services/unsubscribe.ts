import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.ts';

/**
 * Unsubscribe links work without signing in: /unsubscribe/ID/TOKEN where TOKEN is an HMAC of the
 * signature id under a key the app keeps in its database (stable across restarts and processes).
 */
const KEY_NAME = 'unsubscribe-hmac-key';

export const unsubscribeKey = (store: Store): Promise<string> => store.appSecret(KEY_NAME, () => randomBytes(32).toString('base64url'));

export const unsubscribeToken = (key: string, signatureId: number): string =>
  createHmac('sha256', key).update(`unsubscribe:${signatureId}`).digest('base64url').slice(0, 32);

export const unsubscribeUrl = (baseUrl: string, key: string, signatureId: number): string =>
  `${baseUrl}/unsubscribe/${signatureId}/${unsubscribeToken(key, signatureId)}`;

export const validUnsubscribeToken = (key: string, signatureId: number, token: string): boolean => {
  const expected = Buffer.from(unsubscribeToken(key, signatureId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** Stops update mail for a signature; the signature itself still counts. */
export async function unsubscribe(store: Store, signatureId: number, token: string): Promise<boolean> {
  if (!Number.isSafeInteger(signatureId) || !validUnsubscribeToken(await unsubscribeKey(store), signatureId, token)) return false;
  return (await store.withdrawConsent(signatureId)) !== undefined;
}
