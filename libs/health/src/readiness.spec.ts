import { runReadinessChecks } from './readiness';

describe(runReadinessChecks.name, () => {
  it('is ready when every check answers', async () => {
    const report = await runReadinessChecks([
      { name: 'postgres', check: async () => undefined },
      { name: 'nats', check: async () => undefined },
    ]);

    expect(report).toEqual({
      status: 'ready',
      checks: { postgres: { status: 'up' }, nats: { status: 'up' } },
    });
  });

  it('names the dependency that fails', async () => {
    const report = await runReadinessChecks([
      { name: 'postgres', check: async () => undefined },
      {
        name: 'nats',
        check: async () => {
          throw new Error('connection refused');
        },
      },
    ]);

    expect(report.status).toBe('not_ready');
    expect(report.checks.nats).toEqual({ status: 'down', error: 'connection refused' });
  });
});
