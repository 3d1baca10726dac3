import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCEPTS_UPDATES, AWAITING_REVIEW, CLOSABLE, EVER_PUBLISHED, FINISHED, PETITION_STATES, PUBLICLY_VISIBLE, SIGNABLE, TAKEN_DOWN, WINNABLE,
  canManage, countPhrase, isSignable, localPetitionTitle, planMove, transition, type PetitionState,
} from '../../src/domain/petition.ts';
import { slugify } from '../../src/domain/slug.ts';
import { cleanLine, cleanText, isHttpUrl } from '../../src/domain/text.ts';

const at = new Date('2026-11-28T12:00:00Z');

test('only an open petition before its deadline can be signed', () => {
  assert.equal(isSignable({ state: 'open', closesAt: null }, at), true);
  assert.equal(isSignable({ state: 'open', closesAt: new Date('2026-11-28T12:00:01Z') }, at), true);
  assert.equal(isSignable({ state: 'open', closesAt: new Date('2026-11-28T12:00:00Z') }, at), false);
  for (const state of ['pending', 'closed', 'won', 'hidden', 'rejected'] as const) assert.equal(isSignable({ state, closesAt: null }, at), false);
});

test('state changes refuse illegal moves', () => {
  assert.deepEqual(transition('open', 'closed'), { ok: true, value: 'closed' });
  assert.deepEqual(transition('closed', 'won'), { ok: true, value: 'won' });
  assert.deepEqual(transition('closed', 'open'), { ok: false, error: 'ILLEGAL_TRANSITION' });
  assert.deepEqual(transition('rejected', 'open'), { ok: false, error: 'ILLEGAL_TRANSITION' });
});

test('the named state sets: who may see, sign, review, finish', () => {
  const members = (set: ReadonlySet<PetitionState>) => PETITION_STATES.filter((s) => set.has(s));
  assert.deepEqual(members(SIGNABLE), ['open']);
  assert.deepEqual(members(PUBLICLY_VISIBLE), ['open', 'closed', 'won']);
  assert.deepEqual(members(AWAITING_REVIEW), ['pending']);
  assert.deepEqual(members(FINISHED), ['closed', 'won']);
  assert.deepEqual(members(TAKEN_DOWN), ['hidden']);
  assert.deepEqual(members(EVER_PUBLISHED), ['open', 'closed', 'won', 'hidden']);
  assert.deepEqual(members(ACCEPTS_UPDATES), ['open', 'closed', 'won']);
  assert.deepEqual(members(CLOSABLE), ['open']);
  assert.deepEqual(members(WINNABLE), ['open', 'closed']);
  // Every move an organiser may make is a move of the lifecycle.
  for (const from of CLOSABLE) assert.ok(transition(from, 'closed').ok);
  for (const from of WINNABLE) assert.ok(transition(from, 'won').ok);
});

test('a move says which dates it sets: opening from review, finishing, and where a hidden petition came from', () => {
  assert.deepEqual(planMove('pending', 'open'), { ok: true, value: { from: 'pending', to: 'open', opens: true, finishes: false, hiddenFrom: null } });
  assert.deepEqual(planMove('open', 'closed'), { ok: true, value: { from: 'open', to: 'closed', opens: false, finishes: true, hiddenFrom: null } });
  assert.deepEqual(planMove('closed', 'won'), { ok: true, value: { from: 'closed', to: 'won', opens: false, finishes: true, hiddenFrom: null } });
  assert.deepEqual(planMove('won', 'hidden'), { ok: true, value: { from: 'won', to: 'hidden', opens: false, finishes: false, hiddenFrom: 'won' } });
  // A restore brings it back with the dates it had.
  assert.deepEqual(planMove('hidden', 'open'), { ok: true, value: { from: 'hidden', to: 'open', opens: false, finishes: false, hiddenFrom: null } });
  assert.deepEqual(planMove('hidden', 'closed'), { ok: true, value: { from: 'hidden', to: 'closed', opens: false, finishes: false, hiddenFrom: null } });
  assert.deepEqual(planMove('pending', 'rejected'), { ok: true, value: { from: 'pending', to: 'rejected', opens: false, finishes: false, hiddenFrom: null } });
  for (const [from, to] of [['closed', 'open'], ['won', 'closed'], ['rejected', 'open'], ['open', 'pending'], ['open', 'open']] as const) {
    assert.deepEqual(planMove(from, to), { ok: false, error: 'ILLEGAL_TRANSITION' }, `${from} → ${to}`);
  }
});

test('pledges read as pledges, petitions as signatures', () => {
  assert.equal(countPhrase('pledge', 1), '1 person has pledged');
  assert.equal(countPhrase('petition', 12345), '12,345 people have signed');
});

test('a local petition of a campaign is titled "Campaign: Target"', () => {
  assert.equal(localPetitionTitle('Drop the contract', 'University of York'), 'Drop the contract: University of York');
});

test('slugs are readable ASCII', () => {
  assert.equal(slugify('Save Café Müller — now!'), 'save-cafe-muller-now');
  assert.equal(slugify('!!!'), 'petition');
  assert.ok(slugify('x'.repeat(200)).length <= 80);
});

test('control characters are removed, markup kept as text', () => {
  assert.equal(cleanText(' a\u0000b\u0007c\r\nd '), 'abc\nd');
  assert.equal(cleanLine('a\n  b\tc'), 'a b c');
  assert.equal(cleanLine('<b>x</b>'), '<b>x</b>');
});

test('only http and https links are links', () => {
  assert.equal(isHttpUrl('https://example.org/a'), true);
  assert.equal(isHttpUrl('javascript:alert(1)'), false);
  assert.equal(isHttpUrl('ftp://example.org'), false);
  assert.equal(isHttpUrl('not a url'), false);
});

test('only its organiser manages a petition, whatever the role: staff act through /admin', () => {
  const mine = { createdBy: 7 };
  const [organiser, organiserWhoIsAdmin, otherAdmin, moderator] = [{ id: 7, role: 'organiser' }, { id: 7, role: 'admin' }, { id: 8, role: 'admin' }, { id: 8, role: 'moderator' }];
  assert.equal(canManage(organiser, mine), true);
  assert.equal(canManage(organiserWhoIsAdmin, mine), true);
  assert.equal(canManage(otherAdmin, mine), false, 'an administrator’s mailbox opens only their own petitions');
  assert.equal(canManage(moderator, mine), false);
  assert.equal(canManage(otherAdmin, { createdBy: null }), false);
});
