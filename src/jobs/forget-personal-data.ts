import type { Store } from '../store/store.ts';
import { AddressHasher } from '../services/ip-hash.ts';

const DAY_MS = 86_400_000;
/** Sent mail is kept this long for support questions ("did my confirmation go out?"), then deleted. */
export const MAIL_KEPT_DAYS = 30;
/** Days (today included) an address's daily mail count is kept: it is a keyed hash, needed on its day. */
export const MAIL_COUNTS_KEPT_DAYS = 2;
const CHUNK = 500;

/**
 * Deletes personal data that is no longer needed: signers' details `anonymiseAfterDays` after their
 * petition closed, delivered mail after MAIL_KEPT_DAYS, daily mail counts after
 * MAIL_COUNTS_KEPT_DAYS, address-hash keys past their days, and organiser sessions that have run out.
 */
export async function forgetPersonalData(
  deps: { store: Store; clock: () => Date; anonymiseAfterDays: number },
): Promise<{ anonymised: number; mails: number; mailCounts: number; keys: number; sessions: number }> {
  const now = deps.clock();
  const closedBefore = new Date(now.getTime() - deps.anonymiseAfterDays * DAY_MS);
  let anonymised = 0;
  // Chunks keep each transaction short on a petition with a million signers; the next tick goes on.
  for (let i = 0; i < 200; i++) {
    const n = await deps.store.anonymiseSignatures(closedBefore, now, CHUNK);
    anonymised += n;
    if (n < CHUNK) break;
  }
  const mails = await deps.store.purgeOldMail(new Date(now.getTime() - MAIL_KEPT_DAYS * DAY_MS));
  const mailCounts = await deps.store.purgeMailQuota(new Date(now.getTime() - (MAIL_COUNTS_KEPT_DAYS - 1) * DAY_MS));
  const expired = AddressHasher.expiredKeyNames(await deps.store.appSecretNames(AddressHasher.keyPrefix), now);
  await deps.store.deleteAppSecrets(expired);
  const sessions = await deps.store.purgeExpiredOrganiserSessions(now);
  return { anonymised, mails, mailCounts, keys: expired.length, sessions };
}
