import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PETITION_STATES } from '../../src/domain/petition.ts';
import { NO_PETITION_MESSAGE } from '../../src/domain/errors.ts';
import { requireVisible } from '../../src/services/visible-petition.ts';
import type { Petition } from '../../src/store/records.ts';

const inState = (state: Petition['state']) => ({ slug: `in-${state}`, state }) as Petition;
const store = { findPetitionBySlug: async (slug: string) => PETITION_STATES.map(inState).find((p) => p.slug === slug) };

test('requireVisible: published petitions come back; any other state, or none, is the one 404', async () => {
  for (const state of ['open', 'closed', 'won'] as const) assert.equal((await requireVisible(store, `in-${state}`)).state, state);
  for (const slug of ['in-pending', 'in-hidden', 'in-rejected', 'no-such-petition']) {
    await assert.rejects(requireVisible(store, slug), { code: 'NOT_FOUND', message: NO_PETITION_MESSAGE }, slug);
  }
});
