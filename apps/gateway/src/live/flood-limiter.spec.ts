import { FloodLimiter } from './flood-limiter';

describe(FloodLimiter.name, () => {
  it('allows a burst up to its size, then refuses', () => {
    const now = 1_000;
    const limiter = new FloodLimiter(50, 100, () => now);
    const allowed = Array.from({ length: 101 }, () => limiter.take());

    expect(allowed.slice(0, 100).every(Boolean)).toBe(true);
    expect(allowed[100]).toBe(false);
  });

  it('refills at the sustained rate', () => {
    let now = 0;
    const limiter = new FloodLimiter(50, 100, () => now);
    for (let i = 0; i < 100; i += 1) {
      limiter.take();
    }
    expect(limiter.take()).toBe(false);

    now += 100; // 0.1 s at 50 per second: five more frames
    const allowed = Array.from({ length: 6 }, () => limiter.take());
    expect(allowed).toEqual([true, true, true, true, true, false]);
  });

  it('lets a client send at the sustained rate forever', () => {
    let now = 0;
    const limiter = new FloodLimiter(50, 100, () => now);
    let refused = 0;
    for (let i = 0; i < 10_000; i += 1) {
      now += 20; // exactly 50 per second
      refused += limiter.take() ? 0 : 1;
    }

    expect(refused).toBe(0);
  });

  it('refuses a client sending well above the rate once its burst is spent', () => {
    let now = 0;
    const limiter = new FloodLimiter(50, 100, () => now);
    let firstRefusal = -1;
    for (let i = 0; i < 1_000 && firstRefusal < 0; i += 1) {
      now += 5; // 200 per second
      if (!limiter.take()) {
        firstRefusal = i;
      }
    }

    expect(firstRefusal).toBeGreaterThan(100);
    expect(firstRefusal).toBeLessThan(200);
  });
});
