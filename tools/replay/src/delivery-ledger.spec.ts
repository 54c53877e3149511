import { DeliveryLedger } from './delivery-ledger';

describe(DeliveryLedger.name, () => {
  it('expects only the seqs of the membership windows', () => {
    const ledger = new DeliveryLedger();
    ledger.joined('ann', 0);
    ledger.left('ann', 3);
    ledger.joined('ann', 5);

    expect(ledger.expectedSeqs('ann', 7)).toEqual([1, 2, 3, 6, 7]);
    expect(ledger.lastJoinSeq('ann')).toBe(5);
  });

  it('counts duplicates, misorder, missing and unexpected deliveries', () => {
    const ledger = new DeliveryLedger();
    ledger.joined('bob', 1);
    ledger.record('bob', 0, 'm3', 3);
    ledger.record('bob', 0, 'm2', 2);
    ledger.record('bob', 0, 'm2', 2);
    ledger.record('bob', 0, 'm1', 1);

    expect(ledger.report('bob', 0, 4)).toEqual({
      person: 'bob',
      device: 0,
      expected: 3,
      delivered: 3,
      duplicated: 1,
      outOfOrder: 2,
      missing: 1,
      unexpected: 1,
    });
  });
});
