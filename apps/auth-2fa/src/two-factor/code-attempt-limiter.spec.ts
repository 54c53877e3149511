import { blockSeconds, codeAttemptRules } from './code-attempt-limiter';

describe(blockSeconds.name, () => {
  const limit = { failures: 3, windowSeconds: 600, firstBlockSeconds: 10, maxBlockSeconds: 25 };

  it('doubles from the first block up to the longest', () => {
    expect([1, 2, 3, 4].map((count) => blockSeconds(count, limit))).toEqual([10, 20, 25, 25]);
  });

  it('stays finite and capped however many blocks came before', () => {
    expect(blockSeconds(10_000, { ...limit, maxBlockSeconds: 3600 })).toBe(3600);
  });
});

describe(codeAttemptRules.name, () => {
  it('builds its rules from the configured limits, the account-and-address rule first', () => {
    const limit = { failures: 2, windowSeconds: 60, firstBlockSeconds: 7, maxBlockSeconds: 9 };
    const source = { userId: 'victim', clientIp: '192.0.2.10' };

    const rules = codeAttemptRules({
      accountIp: limit,
      account: { ...limit, failures: 50 },
      ip: { ...limit, failures: 40 },
      blockMemorySeconds: 60,
    });

    expect(rules.map((rule) => [rule.name, rule.keyOf(source), rule.failures])).toEqual([
      ['account_ip', 'victim:192.0.2.10', 2],
      ['account', 'victim', 50],
      ['ip', '192.0.2.10', 40],
    ]);
  });
});
