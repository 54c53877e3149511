import { directoryChanges } from './changes';
import { benchTree, groupLdif, personLdif, structureLdif } from './ldif';
import { COMPOUND_SURNAMES, generatePopulation, RARE_SURNAMES } from './population';

describe(generatePopulation.name, () => {
  const population = generatePopulation(5_000, 'bench.example.cn');
  const { people } = population;
  const tree = benchTree('dc=example,dc=cn', 'cafe');

  it('makes the same directory from the same seed', () => {
    const again = generatePopulation(5_000, 'bench.example.cn');

    expect(again.people.map((p) => p.uid)).toEqual(people.map((p) => p.uid));
    expect(again.groups).toEqual(population.groups);
  });

  it('mixes rare, compound and English names, with unique uids and addresses in the domain', () => {
    const surnames = new Set(people.map((p) => p.surname));
    expect(RARE_SURNAMES.filter((s) => surnames.has(s))).toEqual(RARE_SURNAMES);
    expect(COMPOUND_SURNAMES.filter((s) => surnames.has(s))).toEqual(COMPOUND_SURNAMES);
    expect(people.filter((p) => p.style === 'english').length).toBeGreaterThan(100);
    expect(new Set(people.map((p) => p.uid)).size).toBe(people.length);
    const addresses = people.flatMap((p) => p.mails);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.every((a) => /^[a-z0-9.]+@bench\.example\.cn$/.test(a))).toBe(true);
    expect(people.some((p) => p.mails.length === 2)).toBe(true);
    expect(people.some((p) => p.disabled)).toBe(true);
  });

  it('puts everyone in a department, some in two, and gives every group a member', () => {
    const count = new Map<number, number>();
    for (const group of population.groups) {
      expect(group.members.length).toBeGreaterThan(0);
      group.members.forEach((m) => count.set(m, (count.get(m) ?? 0) + 1));
    }
    expect(count.size).toBe(people.length);
    expect([...count.values()].filter((n) => n > 1).length).toBeGreaterThan(100);
    expect(population.groups).toHaveLength(population.departments.length);
  });

  it('writes LDIF with non-ASCII values in base64 and departments below their parents', () => {
    const ldif = personLdif(tree, people[0]) + groupLdif(tree, population, 0);
    const structure = structureLdif(tree, population);

    expect(ldif).toContain(`dn: uid=${people[0].uid},ou=people,ou=bench-cafe,dc=example,dc=cn`);
    expect(ldif).toContain(`cn:: ${Buffer.from(people[0].displayName).toString('base64')}`);
    expect(ldif).toContain(
      `description:: ${Buffer.from(`ou=北京总部,${tree.departments}`).toString('base64')}`,
    );
    const dns = [...structure.matchAll(/^dn::? (.*)$/gm)].map(([, value], index) =>
      index < 4 ? value : Buffer.from(value, 'base64').toString('utf8'),
    );
    dns.forEach((dn, index) => {
      const parent = dn.slice(dn.indexOf(',') + 1);
      expect(index === 0 || dns.slice(0, index).includes(parent)).toBe(true);
    });
  });

  it('changes a hundred people: a quarter each renamed, readdressed, disabled and moved', () => {
    const changes = directoryChanges(tree, population, 100);

    expect(changes.expected).toEqual({ updated: 50, moved: 25, disabled: 25 });
    const personChanges = changes.modifications.filter((m) => m.dn.startsWith('uid='));
    expect(personChanges).toHaveLength(75);
    expect(new Set(personChanges.map((m) => m.dn)).size).toBe(75);
    expect(changes.reverse.map((m) => m.dn).sort()).toEqual(
      changes.modifications.map((m) => m.dn).sort(),
    );
  });
});
