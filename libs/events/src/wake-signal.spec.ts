import { WakeSignal } from './wake-signal';

describe(WakeSignal.name, () => {
  it('ends a sleep when notified', async () => {
    const signal = new WakeSignal();
    const started = Date.now();
    const sleeping = signal.sleep(10_000);

    signal.notify();
    await sleeping;

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('skips an idle sleep when work was notified during the round', async () => {
    const signal = new WakeSignal();
    signal.beginRound();
    signal.notify();
    const started = Date.now();

    await signal.sleep(10_000, { idle: true });

    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('waits out an idle sleep when nothing came since the round began', async () => {
    const signal = new WakeSignal();
    signal.notify();
    signal.beginRound();
    const started = Date.now();

    await signal.sleep(50, { idle: true });

    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
