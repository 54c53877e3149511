import { AttemptLimit, delayAfter } from './attempt-limiter';

describe(delayAfter.name, () => {
  const limit: AttemptLimit = {
    name: 'test',
    freeAttempts: 3,
    windowSeconds: 3600,
    baseDelaySeconds: 2,
    maxDelaySeconds: 60,
  };

  it('charges nothing for the free attempts', () => {
    expect([1, 2, 3].map((n) => delayAfter(n, limit))).toEqual([0, 0, 0]);
  });

  it('doubles the delay with each failure past the free ones', () => {
    expect([4, 5, 6, 7, 8].map((n) => delayAfter(n, limit))).toEqual([2, 4, 8, 16, 32]);
  });

  it('never exceeds the maximum, however many failures', () => {
    expect(delayAfter(9, limit)).toBe(60);
    expect(delayAfter(10_000, limit)).toBe(60);
  });
});
