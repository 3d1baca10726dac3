/** A clock the test moves by hand: every rule is testable at a fixed date. */
export interface TestClock {
  (): Date;
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function fixedClock(start: string | Date = '2026-11-28T12:00:00.000Z'): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (at) => {
    now = new Date(at);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
