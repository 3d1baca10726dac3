import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableDecisions, decide } from '../../src/domain/moderation.ts';
import { isAdministrator, isStaffRole } from '../../src/domain/staff.ts';
import { DEFAULT_SITE_SETTINGS, describeSettingsChange, settingsFromRows, settingsToRows } from '../../src/domain/site-settings.ts';
import { reportReasonLabel, REPORT_REASON_VALUES } from '../../src/domain/reports.ts';

const waiting = { state: 'pending', listed: false, verified: true, hiddenFrom: null } as const;
const unlisted = { state: 'open', listed: false, verified: true, hiddenFrom: null } as const;

test('approving opens and lists a waiting petition, and lists a live one where it stands', () => {
  assert.deepEqual(decide(waiting, 'approve'), { ok: true, value: { state: 'open', listed: true } });
  assert.deepEqual(decide(unlisted, 'approve'), { ok: true, value: { state: 'open', listed: true } });
  assert.deepEqual(decide({ state: 'closed', listed: false, verified: true, hiddenFrom: null }, 'approve'), { ok: true, value: { state: 'closed', listed: true } });
  assert.deepEqual(decide({ ...waiting, verified: false }, 'approve'), { ok: false, error: 'NOT_ALLOWED' }, 'the organiser has not confirmed it');
  for (const state of ['hidden', 'rejected'] as const) assert.equal(decide({ state, listed: false, verified: true, hiddenFrom: null }, 'approve').ok, false);
});

test('only a petition that has been public can be hidden; only a waiting one rejected', () => {
  assert.deepEqual(decide({ state: 'won', listed: true, verified: true, hiddenFrom: null }, 'hide'), { ok: true, value: { state: 'hidden', listed: true } });
  assert.equal(decide(waiting, 'hide').ok, false);
  assert.equal(decide({ state: 'hidden', listed: true, verified: true, hiddenFrom: null }, 'hide').ok, false);
  assert.deepEqual(decide(waiting, 'reject'), { ok: true, value: { state: 'rejected', listed: false } });
  assert.equal(decide(unlisted, 'reject').ok, false);
});

test('restoring brings a hidden petition back in the state it was hidden from, listed', () => {
  for (const from of ['open', 'closed', 'won'] as const) {
    assert.deepEqual(decide({ state: 'hidden', listed: false, verified: true, hiddenFrom: from }, 'restore'), { ok: true, value: { state: from, listed: true } });
  }
  assert.deepEqual(decide({ state: 'hidden', listed: true, verified: true, hiddenFrom: null }, 'restore'), { ok: true, value: { state: 'closed', listed: true } }, 'hidden before the state was kept: closed, so signing does not reopen by surprise');
  for (const state of ['pending', 'open', 'closed', 'won', 'rejected'] as const) assert.equal(decide({ state, listed: true, verified: true, hiddenFrom: 'open' }, 'restore').ok, false, state);
  assert.deepEqual(availableDecisions({ state: 'hidden', listed: true, verified: true, hiddenFrom: 'open' }), ['restore']);
});

test('the review page offers exactly the decisions a petition can take', () => {
  assert.deepEqual(availableDecisions(waiting), ['approve', 'reject']);
  assert.deepEqual(availableDecisions(unlisted), ['approve', 'hide']);
  assert.deepEqual(availableDecisions({ state: 'rejected', listed: false, verified: true, hiddenFrom: null }), []);
});

test('staff are administrators and moderators; only administrators administer', () => {
  assert.deepEqual(['admin', 'moderator', 'organiser'].map(isStaffRole), [true, true, false]);
  assert.deepEqual(['admin', 'moderator', 'organiser'].map(isAdministrator), [true, false, false]);
});

test('site settings survive their key/value rows, and missing rows mean the defaults', () => {
  assert.deepEqual(settingsFromRows({}), DEFAULT_SITE_SETTINGS);
  const s = { signingPaused: true, startingPaused: false, banner: 'Back at six' };
  assert.deepEqual(settingsFromRows(settingsToRows(s)), s);
  assert.deepEqual(settingsFromRows(settingsToRows(DEFAULT_SITE_SETTINGS)), DEFAULT_SITE_SETTINGS);
});

test('a settings change reads as a sentence in the audit log', () => {
  assert.equal(describeSettingsChange(DEFAULT_SITE_SETTINGS, { signingPaused: true, startingPaused: true, banner: 'Hi' }), 'signing paused; starting petitions paused; banner: Hi');
  assert.equal(describeSettingsChange({ signingPaused: true, startingPaused: false, banner: 'Hi' }, DEFAULT_SITE_SETTINGS), 'signing resumed; banner removed');
  assert.equal(describeSettingsChange(DEFAULT_SITE_SETTINGS, DEFAULT_SITE_SETTINGS), 'no change');
});

test('report reasons have labels; an unknown value is shown as it is', () => {
  assert.ok(REPORT_REASON_VALUES.includes('spam'));
  assert.equal(reportReasonLabel('personal-data'), 'Shares someone’s personal information');
  assert.equal(reportReasonLabel('legacy'), 'legacy');
});
