import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossedMilestones, goalAfter, milestoneSteps, milestoneText, nextMilestone } from '../../src/domain/milestones.ts';

test('milestones run 10, 25, 50, 100, 250, 500, 1000, then ×10 of each', () => {
  const steps: number[] = [];
  for (const s of milestoneSteps()) {
    if (s > 1_000_000) break;
    steps.push(s);
  }
  assert.deepEqual(steps, [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000]);
});

test('a count moving from 9 to 26 crosses 10 and 25', () => {
  assert.deepEqual(crossedMilestones(9, 26), [10, 25]);
});

test('reaching a threshold exactly counts; starting on it does not count again', () => {
  assert.deepEqual(crossedMilestones(9, 10), [10]);
  assert.deepEqual(crossedMilestones(10, 24), []);
  assert.deepEqual(crossedMilestones(24, 25), [25]);
});

test('no movement or a falling count crosses nothing', () => {
  assert.deepEqual(crossedMilestones(50, 50), []);
  assert.deepEqual(crossedMilestones(60, 40), []);
});

test('a big jump lists every threshold in between', () => {
  assert.deepEqual(crossedMilestones(0, 12000), [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);
});

test('consecutive batches cross each milestone exactly once', () => {
  const seen: number[] = [];
  let count = 0;
  for (const batch of [3, 7, 1, 13, 26, 50, 400, 600]) {
    seen.push(...crossedMilestones(count, count + batch));
    count += batch;
  }
  assert.deepEqual(seen, [10, 25, 50, 100, 250, 500, 1000]);
});

test('an unfixed goal that is reached rises to the next milestone; a fixed goal stays', () => {
  assert.equal(nextMilestone(100), 250);
  assert.equal(goalAfter(100, false, 99), 100);
  assert.equal(goalAfter(100, false, 100), 250);
  assert.equal(goalAfter(100, false, 2600), 5000);
  assert.equal(goalAfter(100, true, 2600), 100);
});

test('a milestone reads "N signatures reached"', () => {
  assert.equal(milestoneText(1000), '1000 signatures reached');
});
