/** Signature-count thresholds: 10, 25, 50, 100, 250, 500, 1000, then ×10 of each (2500, 5000, 10000, …). */
const BASE_STEPS = [10, 25, 50, 100, 250, 500] as const;

/** Every milestone in ascending order, lazily, without an upper bound. */
export function* milestoneSteps(): Generator<number> {
  for (let scale = 1; ; scale *= 10) {
    for (const step of BASE_STEPS) {
      if (scale > 1 && step < 100) continue; // 1000 = 100×10 … the ×10 series starts at 1000
      yield step * scale;
    }
  }
}

/**
 * The thresholds passed when a count moves from `before` to `after` (before < t ≤ after).
 * Pure, so "each milestone exactly once" is a property of the commit that moves the count.
 */
export const crossedMilestones = (before: number, after: number): number[] => {
  const crossed: number[] = [];
  if (after <= before) return crossed;
  for (const step of milestoneSteps()) {
    if (step > after) break;
    if (step > before) crossed.push(step);
  }
  return crossed;
};

/** The first milestone strictly above `count`: the goal a petition moves to once its goal is reached. */
export const nextMilestone = (count: number): number => {
  for (const step of milestoneSteps()) if (step > count) return step;
  /* c8 ignore next */
  throw new Error('unreachable');
};

/** The goal to show after a count change: an unfixed goal that was reached rises to the next step. */
export const goalAfter = (goal: number, goalFixed: boolean, count: number): number =>
  !goalFixed && count >= goal ? nextMilestone(count) : goal;

/** How a milestone reads in the timeline (digits only, so it reads the same in every locale). */
export const milestoneText = (count: number): string => `${count} signatures reached`;
