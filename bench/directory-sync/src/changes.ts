import { Attribute, Change } from 'ldapts';

import { BenchTree, groupDn, personDn } from './ldif';
import { Population, seededRandom } from './population';

export interface DirectoryChanges {
  modifications: { dn: string; changes: Change[] }[];
  /** The modifications that put the entries back as generated (for a kept directory). */
  reverse: { dn: string; changes: Change[] }[];
  /** What an incremental run should report for them. */
  expected: { updated: number; moved: number; disabled: number };
}

/**
 * A quarter each of renames (a new given and display name), address changes,
 * disabled accounts and moves to another team (out of one group, into
 * another): `count` people in all, each active and in one team only, so every
 * change counts once.
 */
export function directoryChanges(
  tree: BenchTree,
  population: Population,
  count: number,
): DirectoryChanges {
  const random = seededRandom(4242);
  const groupsOf = population.people.map((): number[] => []);
  for (const group of population.groups) {
    for (const member of group.members) {
      groupsOf[member].push(group.department);
    }
  }
  const parents = new Set(population.departments.map((department) => department.parent));
  const teams = population.groups.filter((group) => !parents.has(group.department));
  const candidates = population.people.flatMap((person, index) =>
    !person.disabled && groupsOf[index].length === 1 && !parents.has(groupsOf[index][0])
      ? [index]
      : [],
  );
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, candidates.length)) {
    chosen.add(candidates[Math.floor(random() * candidates.length)]);
  }
  const quarter = Math.ceil(chosen.size / 4);
  const modifications: DirectoryChanges['modifications'] = [];
  const reverse: DirectoryChanges['reverse'] = [];
  const groupChanges = new Map<number, { add: string[]; remove: string[] }>();
  const groupChange = (department: number) => {
    const entry = groupChanges.get(department) ?? { add: [], remove: [] };
    groupChanges.set(department, entry);

    return entry;
  };
  const replace = (type: string, values: string[]) =>
    new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
  const expected = { updated: 0, moved: 0, disabled: 0 };

  [...chosen].forEach((index, position) => {
    const person = population.people[index];
    const dn = personDn(tree, person);
    const kind = Math.floor(position / quarter);
    if (kind === 0) {
      const givenName = person.style === 'english' ? 'Renamed' : `${person.givenName}新`;
      const displayName =
        person.style === 'english' ? `${givenName} ${person.surname}` : person.surname + givenName;
      modifications.push({
        dn,
        changes: [
          replace('givenName', [givenName]),
          replace('displayName', [displayName]),
          replace('cn', [displayName]),
        ],
      });
      reverse.push({
        dn,
        changes: [
          replace('givenName', [person.givenName]),
          replace('displayName', [person.displayName]),
          replace('cn', [person.displayName]),
        ],
      });
      expected.updated += 1;
    } else if (kind === 1) {
      const [primary, ...others] = person.mails;
      const [local, domain] = primary.split('@');
      modifications.push({ dn, changes: [replace('mail', [`${local}.new@${domain}`, ...others])] });
      reverse.push({ dn, changes: [replace('mail', person.mails)] });
      expected.updated += 1;
    } else if (kind === 2) {
      modifications.push({ dn, changes: [replace('employeeType', ['disabled'])] });
      reverse.push({ dn, changes: [replace('employeeType', [])] });
      expected.disabled += 1;
    } else {
      const from = groupsOf[index][0];
      let to = from;
      while (to === from) {
        to = teams[Math.floor(random() * teams.length)].department;
      }
      groupChange(from).remove.push(dn);
      groupChange(to).add.push(dn);
      expected.moved += 1;
    }
  });
  const members = (operation: 'add' | 'delete', values: string[]) =>
    values.length > 0
      ? [new Change({ operation, modification: new Attribute({ type: 'member', values }) })]
      : [];
  for (const [department, { add, remove }] of groupChanges) {
    const dn = groupDn(tree, population, department);
    modifications.push({ dn, changes: [...members('add', add), ...members('delete', remove)] });
    reverse.push({ dn, changes: [...members('add', remove), ...members('delete', add)] });
  }

  return { modifications, reverse, expected };
}
