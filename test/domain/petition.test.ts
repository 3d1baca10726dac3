import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canManage, countPhrase, isSignable, localPetitionTitle, transition } from '../../src/domain/petition.ts';
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
