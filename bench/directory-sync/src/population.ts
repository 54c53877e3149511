import { pinyin } from 'pinyin-pro';

import {
  buildDepartmentTree,
  COMMON_GIVEN_CHARACTERS,
  nameGenerator,
  picker,
  seededRandom,
  uniqueLocalParts,
} from '@confer/testing';

export { COMPOUND_SURNAMES, RARE_SURNAMES, seededRandom } from '@confer/testing';

/**
 * A directory in the style of the example organisation's LDIF
 * (libs/testing/fixtures/directory/example-cn-org.ldif): Chinese names by
 * surname frequency with the surnames read differently as surnames and the
 * compound ones mixed in, English names, addresses made of the pinyin, some
 * second addresses, a department tree of organizational units with a
 * groupOfNames per department, some people in two departments and a few
 * disabled accounts. Seeded: the same size makes the same directory.
 */

// Rarer given-name characters, some outside the Basic Multilingual Plane (𠇔, 𪚥).
const GIVEN_CHARACTERS = [
  ...COMMON_GIVEN_CHARACTERS,
  ...'喆昕睿瑞璐航凡蕾薇岚毅诚安泽阳清堃淼鑫犇',
  '𠇔',
  '𪚥',
];
const ENGLISH_GIVEN = ['Alice', 'Bob', 'Carol', 'David', 'Emma', 'Frank', 'Grace', 'Henry'];
const ENGLISH_MORE = ['Iris', 'Jack', 'Kevin', 'Linda', 'Michael', 'Nancy', 'Oliver', 'Peter'];
const ENGLISH_FAMILY = ['Chen', 'Wang', 'Li', 'Smith', 'Brown', 'Lee', 'Wong', 'Ho', 'Lam', 'Ng'];
const REGIONS = ['北京总部', '上海分公司', '广州分公司', '深圳分公司', '成都分公司', '武汉分公司'];
const TITLES = ['工程师', '高级工程师', '主管', '经理', '专员', '总监', '助理', '实习生'];

export interface BenchDepartment {
  /** The department's own RDN value (ou). */
  name: string;
  /** RDN values from the root down to this department. */
  path: string[];
  /** Index of the parent in the department list; null for a root. */
  parent: number | null;
}

export interface BenchPerson {
  uid: string;
  displayName: string;
  surname: string;
  givenName: string;
  /** Every address, the primary first. */
  mails: string[];
  title: string;
  employeeNumber: string;
  telephoneNumber: string;
  mobile: string;
  disabled: boolean;
  style: 'common' | 'rare' | 'compound' | 'english';
}

export interface BenchGroup {
  /** Index of the department the group lists the members of. */
  department: number;
  /** Indexes into the people list. */
  members: number[];
}

export interface Population {
  domain: string;
  departments: BenchDepartment[];
  people: BenchPerson[];
  groups: BenchGroup[];
}

/** Regions, their centres, their units and, past a few thousand people, teams of about 70. */
function generateDepartments(people: number): BenchDepartment[] {
  const departments: BenchDepartment[] = [];
  buildDepartmentTree<number>({ people, peoplePerTeam: 70, regions: REGIONS }, (name, parent) => {
    departments.push({
      name,
      parent,
      path: [...(parent === null ? [] : departments[parent].path), name],
    });

    return departments.length - 1;
  });

  return departments;
}

export function generatePopulation(size: number, domain: string, seed = 20251204): Population {
  const random = seededRandom(seed);
  const pick = picker(random);
  const nextName = nameGenerator(random, {
    givenCharacters: GIVEN_CHARACTERS,
    englishGivenName: () => pick(random() < 0.5 ? ENGLISH_GIVEN : ENGLISH_MORE),
    englishFamilyNames: ENGLISH_FAMILY,
  });
  const unique = uniqueLocalParts();

  const departments = generateDepartments(size);
  const parents = new Set(departments.map((department) => department.parent));
  const teams = departments.flatMap((department, index) => (parents.has(index) ? [] : [index]));
  const members = departments.map((): number[] => []);
  const people: BenchPerson[] = [];
  for (let index = 0; index < size; index += 1) {
    const { style, surname, givenName, displayName } = nextName();
    const local =
      style === 'english'
        ? `${givenName}.${surname}`.toLowerCase()
        : `${romanise(surname, true)}${romanise(givenName, false)}` || `user${index}`;
    const uid = unique(local);
    const mails = [`${uid}@${domain}`];
    if (random() < 0.05) {
      mails.push(`${unique(`${uid}.work`)}@${domain}`);
    }
    people.push({
      uid,
      displayName,
      surname,
      givenName,
      mails,
      title: pick(TITLES),
      employeeNumber: `E${String(100000 + index)}`,
      telephoneNumber: `+86 10 ${digits(random, 4)} ${digits(random, 4)}`,
      mobile: `+86 13${digits(random, 1)} ${digits(random, 4)} ${digits(random, 4)}`,
      disabled: random() < 0.01,
      style,
    });
    const team = pick(teams);
    members[team].push(index);
    // Some people work in a second department too.
    if (random() < 0.05) {
      const other = pick(teams);
      if (other !== team) {
        members[other].push(index);
      }
    }
  }
  // Departments above the teams list their heads, people who also sit in a team below.
  for (let index = departments.length - 1; index >= 0; index -= 1) {
    if (members[index].length === 0 && size > 0) {
      const below = departments.findIndex((department) => department.parent === index);
      const source = below >= 0 ? members[below] : [];
      members[index].push(source.length > 0 ? pick(source) : Math.floor(random() * size));
    }
  }

  return {
    domain,
    departments,
    people,
    groups: members.map((list, department) => ({ department, members: list })),
  };
}

/** The ASCII pinyin of a name part; a surname read as a surname (单 shan). */
function romanise(text: string, asSurname: boolean): string {
  return pinyin(text, {
    toneType: 'none',
    type: 'array',
    surname: asSurname ? 'head' : 'off',
    nonZh: 'removed',
  })
    .join('')
    .replace(/ü/g, 'v')
    .replace(/[^a-z]/g, '');
}

function digits(random: () => number, count: number): string {
  return Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
}
