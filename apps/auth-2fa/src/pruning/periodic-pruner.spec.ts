import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { PeriodicPruner } from './periodic-pruner';

/** A DataSource whose transactions answer the lock query with the next of `locks`. */
function fakeDataSource(locks: boolean[]): { dataSource: DataSource; lockKeys: unknown[] } {
  const lockKeys: unknown[] = [];
  const manager = {
    query: (sql: string, parameters: unknown[]) => {
      expect(sql).toBe('SELECT pg_try_advisory_xact_lock($1) AS locked');
      lockKeys.push(parameters[0]);

      return Promise.resolve([{ locked: locks.shift() ?? true }]);
    },
  } as unknown as EntityManager;
  const dataSource = {
    transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager),
  } as unknown as DataSource;

  return { dataSource, lockKeys };
}

class TestPruner extends PeriodicPruner<number | undefined> {
  passes = 0;

  constructor(
    dataSource: DataSource,
    private readonly pass: (pruner: TestPruner) => Promise<number | undefined>,
  ) {
    super(dataSource, {
      lockKey: 42,
      intervalSeconds: 3600,
      failureMessage: 'test pruning failed',
      failed: -1,
    });
  }

  protected prune(): Promise<number | undefined> {
    this.passes += 1;

    return this.pass(this);
  }

  batches(
    batchSize: number,
    deleteBatch: (manager: EntityManager, batch: number) => Promise<number>,
  ): Promise<number | undefined> {
    return this.deleteInLockedBatches(batchSize, deleteBatch);
  }
}

describe(PeriodicPruner.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('runs one pass at a time: a call while a pass runs gets that pass', async () => {
    let finish!: (value: number) => void;
    const first = new Promise<number>((resolve) => (finish = resolve));
    const pruner = new TestPruner(fakeDataSource([]).dataSource, (self) =>
      self.passes === 1 ? first : Promise.resolve(undefined),
    );

    const one = pruner.runOnce();
    const two = pruner.runOnce();
    finish(7);

    expect(await Promise.all([one, two])).toEqual([7, 7]);
    expect(pruner.passes).toBe(1);
    expect(await pruner.runOnce()).toBeUndefined();
    expect(pruner.passes).toBe(2);
  });

  it('logs a pass that throws and resolves to the failed value, ready for the next', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    let fail = true;
    const pruner = new TestPruner(fakeDataSource([]).dataSource, () =>
      fail ? Promise.reject(new Error('database away')) : Promise.resolve(3),
    );

    expect(await pruner.runOnce()).toBe(-1);
    expect(errors).toHaveBeenCalledWith(
      { err: expect.objectContaining({ message: 'database away' }) },
      'test pruning failed',
    );
    fail = false;
    expect(await pruner.runOnce()).toBe(3);
  });

  it('deletes in locked batches until a batch comes back short', async () => {
    const { dataSource, lockKeys } = fakeDataSource([]);
    const pruner = new TestPruner(dataSource, () => Promise.resolve(0));
    const counts = [10, 10, 4, 10];
    const seen: number[] = [];

    const deleted = await pruner.batches(10, (_manager, batch) => {
      seen.push(batch);

      return Promise.resolve(counts[batch]);
    });

    expect(deleted).toBe(24);
    expect(seen).toEqual([0, 1, 2]);
    expect(lockKeys).toEqual([42, 42, 42]);
  });

  it('deletes nothing and answers undefined when another replica holds the lock', async () => {
    const pruner = new TestPruner(fakeDataSource([false]).dataSource, () => Promise.resolve(0));
    const deleteBatch = jest.fn(() => Promise.resolve(10));

    expect(await pruner.batches(10, deleteBatch)).toBeUndefined();
    expect(deleteBatch).not.toHaveBeenCalled();
  });

  it('keeps what it deleted and stops when the lock is lost between batches', async () => {
    const pruner = new TestPruner(fakeDataSource([true, false]).dataSource, () =>
      Promise.resolve(0),
    );
    const deleteBatch = jest.fn(() => Promise.resolve(10));

    expect(await pruner.batches(10, deleteBatch)).toBe(10);
    expect(deleteBatch).toHaveBeenCalledTimes(1);
  });

  it('stops after 100 full batches; the rest waits for the next pass', async () => {
    const pruner = new TestPruner(fakeDataSource([]).dataSource, () => Promise.resolve(0));
    const deleteBatch = jest.fn(() => Promise.resolve(10));

    expect(await pruner.batches(10, deleteBatch)).toBe(1_000);
    expect(deleteBatch).toHaveBeenCalledTimes(100);
  });
});
