import { EntityManager } from 'typeorm';

import { searchKeys } from './search-keys';
import { KeyedPerson, rekeyChineseNames, writeSearchKeys } from './search-key-writer';

const ORG = '00000000-0000-4000-8000-000000000001';

function person(index: number, displayName: string, surname: string | null): KeyedPerson {
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    orgId: ORG,
    displayName,
    surname,
    givenName: null,
    email: `p${index}@example.cn`,
    secondaryEmails: index % 2 ? [`alias${index}@example.cn`] : [],
  };
}

/** A manager that records the statements it is given. */
function recordingManager(): {
  manager: EntityManager;
  calls: { sql: string; params: unknown[] }[];
} {
  const calls: { sql: string; params: unknown[] }[] = [];
  const manager = {
    query: async (sql: string, params: unknown[]) => {
      calls.push({ sql, params });

      return [];
    },
  } as unknown as EntityManager;

  return { manager, calls };
}

describe(writeSearchKeys.name, () => {
  const people = [
    person(1, '王伟', '王'),
    person(2, '王伟', '王'),
    person(3, '单雄信', '单'),
    person(4, '单雄信', null),
    person(5, '欧阳娜娜', null),
    person(6, 'Alice Brown', 'Brown'),
    person(7, '尉迟恭', '尉迟'),
  ];

  it('writes exactly the keys searchKeys computes for each person, shared names included', async () => {
    const { manager, calls } = recordingManager();

    await writeSearchKeys(manager, people, 3);

    const inserts = calls.filter((call) => call.sql.includes('INSERT'));
    const written = inserts.flatMap((call) => {
      const [orgs, users, kinds, keys] = call.params as string[][];

      return users.map((user, index) => `${orgs[index]} ${user} ${kinds[index]}:${keys[index]}`);
    });
    const expected = people.flatMap((p) =>
      searchKeys(p).map((key) => `${ORG} ${p.id} ${key.kind}:${key.key}`),
    );
    expect(written.sort()).toEqual(expected.sort());
  });

  it('deletes and inserts batch by batch: 7 people in batches of 3 are 3 pairs of statements', async () => {
    const { manager, calls } = recordingManager();

    await writeSearchKeys(manager, people, 3);

    expect(calls.map((call) => call.sql.trim().split(/\s/)[0])).toEqual([
      'DELETE',
      'INSERT',
      'DELETE',
      'INSERT',
      'DELETE',
      'INSERT',
    ]);
    const deleted = calls.filter((call) => call.sql.startsWith('DELETE'));
    expect(deleted.map((call) => (call.params[0] as string[]).length)).toEqual([3, 3, 1]);
  });

  it('stops at a failed write and passes its error on', async () => {
    let statements = 0;
    const manager = {
      query: async () => {
        statements += 1;
        if (statements === 2) {
          throw new Error('insert refused');
        }

        return [];
      },
    } as unknown as EntityManager;

    await expect(writeSearchKeys(manager, people, 3)).rejects.toThrow('insert refused');
    expect(statements).toBe(2);
  });
});

describe(rekeyChineseNames.name, () => {
  const row = (index: number, displayName: string, surname: string | null = null) => ({
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    org_id: ORG,
    display_name: displayName,
    surname,
    given_name: null,
    email: `p${index}@example.cn`,
    secondary_emails: [],
  });

  it('pages through keyed people by id and rewrites only those with Chinese in a name', async () => {
    const pages = [
      [row(1, '王小明', '王'), row(2, 'Alice Brown')],
      [row(3, 'David Wu 吴大卫'), row(4, 'Bob', '陈')],
      [],
    ];
    const calls: { sql: string; params: unknown[] }[] = [];
    const manager = {
      query: async (sql: string, params: unknown[]) => {
        calls.push({ sql, params });

        return sql.trim().startsWith('SELECT') ? pages.shift() : [];
      },
    } as unknown as EntityManager;

    const rekeyed = await rekeyChineseNames(manager, 2);

    expect(rekeyed).toBe(3);
    const selects = calls.filter((call) => call.sql.trim().startsWith('SELECT'));
    expect(selects.map((call) => call.params)).toEqual([
      ['00000000-0000-0000-0000-000000000000', 2],
      [row(2, '').id, 2],
      [row(4, '').id, 2],
    ]);
    const deleted = calls
      .filter((call) => call.sql.startsWith('DELETE'))
      .flatMap((call) => call.params[0] as string[]);
    expect(deleted).toEqual([row(1, '').id, row(3, '').id, row(4, '').id]);
    const kinds = calls
      .filter((call) => call.sql.includes('INSERT'))
      .flatMap((call) => (call.params as string[][])[2]);
    expect(kinds).toContain('given_initials');
  });
});
