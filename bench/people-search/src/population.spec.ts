import { COMPOUND_SURNAMES, generatePopulation, RARE_SURNAMES } from './population';
import { benchQueries, QUERY_KINDS } from './queries';

describe(generatePopulation.name, () => {
  const population = generatePopulation(5_000);
  const people = population.people;

  it('makes the same directory from the same seed', () => {
    const again = generatePopulation(5_000);

    expect(again.people.map((p) => p.id)).toEqual(people.map((p) => p.id));
    expect(again.people[4_999].displayName).toBe(people[4_999].displayName);
  });

  it('mixes rare, compound and English names among common ones, with unique addresses', () => {
    const surnames = new Set(people.map((p) => p.surname));

    expect(RARE_SURNAMES.filter((s) => surnames.has(s))).toEqual(RARE_SURNAMES);
    expect(COMPOUND_SURNAMES.filter((s) => surnames.has(s))).toEqual(COMPOUND_SURNAMES);
    expect(people.filter((p) => p.style === 'english').length).toBeGreaterThan(100);
    const addresses = people.flatMap((p) => [p.email, ...p.secondaryEmails]);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(people.filter((p) => p.status === 'disabled').length).toBeGreaterThan(0);
  });

  it('computes the keys the sync computes, surnames read as surnames', () => {
    const shan = people.find((p) => p.surname === '单' && p.style === 'rare')!;
    const pinyin = shan.keys.find((k) => k.kind === 'pinyin')!.key;

    expect(pinyin.startsWith('shan')).toBe(true);
    expect(shan.email.startsWith(pinyin)).toBe(true);
  });

  it('puts every person in an existing leaf department', () => {
    const parents = new Set(population.departments.map((d) => d.parentId));
    const leaves = new Set(
      population.departments.filter((d) => !parents.has(d.id)).map((d) => d.id),
    );

    expect(people.every((p) => p.departmentIds.every((id) => leaves.has(id)))).toBe(true);
  });
});

describe(benchQueries.name, () => {
  it('makes every kind of query from active people', () => {
    const people = generatePopulation(2_000).people;
    const active = new Set(people.filter((p) => p.status === 'active').map((p) => p.id));
    const queries = benchQueries(people, 80);

    expect(new Set(queries.map((q) => q.kind))).toEqual(new Set(QUERY_KINDS));
    expect(queries.every((q) => q.text.length > 0 && active.has(q.viewerId))).toBe(true);
    expect(queries.find((q) => q.kind === 'mixed')!.text).toMatch(/^\p{Script=Han}{2}[a-z]{1,2}$/u);
  });
});
