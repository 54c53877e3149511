import { closedLoop, CpuProbe, OperationError } from './login-load';

describe('closedLoop', () => {
  it('counts failures by code apart from the latencies, and hands every item back', async () => {
    const idle = [1, 2, 3];
    let calls = 0;
    const result = await closedLoop<number>({
      concurrency: 3,
      warmupMs: 0,
      durationMs: 300,
      cpu: new CpuProbe({}),
      next: async () => idle.shift(),
      release: (item) => idle.push(item),
      run: async (item) => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (item === 2) {
          throw new OperationError('POST /auth/login: auth.bad_credentials');
        }

        return { login: 4 };
      },
    });

    expect(result.completed).toBeGreaterThan(0);
    expect(result.errors['POST /auth/login: auth.bad_credentials']).toBeGreaterThan(0);
    expect(result.total.count).toBe(result.completed);
    expect(result.completed).toBeLessThan(calls);
    expect(result.total.p50).toBeGreaterThanOrEqual(5);
    expect(result.parts.login).toMatchObject({ count: result.completed, p50: 4 });
    expect(idle.sort()).toEqual([1, 2, 3]);
  });

  it('stops when there is nothing left to work on', async () => {
    const result = await closedLoop<number>({
      concurrency: 2,
      warmupMs: 0,
      durationMs: 10_000,
      cpu: new CpuProbe({}),
      next: async () => undefined,
      run: async () => ({}),
    });

    expect(result).toMatchObject({ completed: 0, errors: {} });
  });
});

describe('CpuProbe', () => {
  it('reads this process and the machine from /proc, and divides by the operations', () => {
    const probe = new CpuProbe({ self: process.pid });
    const before = probe.sample();
    const until = Date.now() + 100;
    while (Date.now() < until) {
      // Busy on purpose: some CPU time to read back.
    }
    const after = probe.sample();
    const share = probe.share(before, after, 2);

    expect(after.processes.self).toBeGreaterThan(before.processes.self);
    expect(share.perOperationMs.self).toBeGreaterThan(0);
    expect(share.machineBusyPercent).toBeGreaterThan(0);
    expect(probe.share(before, after, 0).perOperationMs.self).toBe(0);
  });
});
