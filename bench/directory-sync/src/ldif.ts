import { BenchPerson, Population } from './population';

/** Where a generated directory lives: a subtree of its own under the test server's base. */
export interface BenchTree {
  /** ou=bench-<hex>,dc=example,dc=cn */
  base: string;
  people: string;
  departments: string;
  groups: string;
}

export function benchTree(suffix: string, token: string): BenchTree {
  const base = `ou=bench-${token},${suffix}`;

  return {
    base,
    people: `ou=people,${base}`,
    departments: `ou=org,${base}`,
    groups: `ou=groups,${base}`,
  };
}

export function personDn(tree: BenchTree, person: Pick<BenchPerson, 'uid'>): string {
  return `uid=${person.uid},${tree.people}`;
}

export function departmentDn(tree: BenchTree, population: Population, index: number): string {
  const path = population.departments[index].path;

  return [...path.map((name) => `ou=${name}`).reverse(), tree.departments].join(',');
}

export function groupDn(tree: BenchTree, population: Population, index: number): string {
  return `cn=${groupName(population, index)},${tree.groups}`;
}

function groupName(population: Population, index: number): string {
  return population.departments[index].path.join('·');
}

type Attributes = [string, string | string[] | undefined][];

/** One entry in LDIF: values that are not plain ASCII (RFC 2849 SAFE-STRING) in base64. */
export function ldifEntry(dn: string, attributes: Attributes): string {
  const lines = [line('dn', dn)];
  for (const [name, value] of attributes) {
    for (const item of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      lines.push(line(name, item));
    }
  }

  return `${lines.join('\n')}\n\n`;
}

function line(name: string, value: string): string {
  return isSafe(value)
    ? `${name}: ${value}`
    : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** Printable ASCII, not starting with a space, colon or "<", nor ending with a space. */
function isSafe(value: string): boolean {
  if (value === '') {
    return true;
  }
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) {
      return false;
    }
  }

  return !/^[ :<]/.test(value) && !value.endsWith(' ');
}

/** The subtree's own entries and the department units, parents first. */
export function structureLdif(tree: BenchTree, population: Population): string {
  const unit = (dn: string, name: string) =>
    ldifEntry(dn, [
      ['objectClass', 'organizationalUnit'],
      ['ou', name],
    ]);
  const top = [
    unit(tree.base, tree.base.slice(3, tree.base.indexOf(','))),
    unit(tree.people, 'people'),
    unit(tree.departments, 'org'),
    unit(tree.groups, 'groups'),
  ];
  const departments = population.departments.map((department, index) =>
    unit(departmentDn(tree, population, index), department.name),
  );

  return [...top, ...departments].join('');
}

export function personLdif(tree: BenchTree, person: BenchPerson): string {
  return ldifEntry(personDn(tree, person), [
    ['objectClass', ['top', 'person', 'organizationalPerson', 'inetOrgPerson']],
    ['uid', person.uid],
    ['cn', person.displayName],
    ['sn', person.surname],
    ['givenName', person.givenName],
    ['displayName', person.displayName],
    ['mail', person.mails],
    ['employeeNumber', person.employeeNumber],
    ['title', person.title],
    ['telephoneNumber', person.telephoneNumber],
    ['mobile', person.mobile],
    ['employeeType', person.disabled ? 'disabled' : undefined],
  ]);
}

/** A department's groupOfNames: its DN in `description`, as the example directory has it. */
export function groupLdif(tree: BenchTree, population: Population, department: number): string {
  const group = population.groups[department];

  return ldifEntry(groupDn(tree, population, department), [
    ['objectClass', 'groupOfNames'],
    ['cn', groupName(population, department)],
    ['description', departmentDn(tree, population, department)],
    ['member', group.members.map((index) => personDn(tree, population.people[index]))],
  ]);
}
