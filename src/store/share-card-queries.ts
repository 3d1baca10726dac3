import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** A drawn share card as kept: what it shows (words key and count), when it was drawn, the PNG. */
export interface KeptShareCard {
  wordsKey: string;
  count: number;
  drawnAt: Date;
  png: Buffer;
}

export async function findShareCard(db: Db, petitionId: number): Promise<KeptShareCard | undefined> {
  const row = await db.selectFrom('share_cards').select(['words_key', 'count', 'drawn_at', 'png']).where('petition_id', '=', petitionId).executeTakeFirst();
  return row && { wordsKey: row.words_key, count: Number(row.count), drawnAt: new Date(row.drawn_at), png: Buffer.from(row.png) };
}

/**
 * Keeps the newest card only: one row per petition, replaced unless the row holds a card drawn later
 * (by another process, say), so two processes drawing at once leave the newer of their two cards.
 */
export async function saveShareCard(db: Db, petitionId: number, card: KeptShareCard): Promise<void> {
  const values = { words_key: card.wordsKey, count: card.count, drawn_at: card.drawnAt.toISOString(), png: card.png };
  await db
    .insertInto('share_cards')
    .values({ petition_id: petitionId, ...values })
    .onConflict((oc) => oc.column('petition_id').doUpdateSet(values).where('share_cards.drawn_at', '<=', values.drawn_at))
    .execute();
}
