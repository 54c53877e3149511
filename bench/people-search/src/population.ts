import { searchKeys, SearchKey } from '@confer/contacts/dist/people-search/search-keys';
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
 * A directory in the style of the example organisation's (example-cn-org.ldif):
 * Chinese names by surname frequency, with the surnames read differently as
 * surnames and the compound ones mixed in, some English names, addresses made
 * of the pinyin, a department tree with memberships, a few disabled people.
 * Seeded, so that two runs of the same size search the same directory.
 */

const GIVEN_CHARACTERS = [...COMMON_GIVEN_CHARACTERS, ...'喆昕睿瑞琪璐航凡蕾薇岚毅诚安泽阳清'];
const ENGLISH_GIVEN = [
  'Alice',
  'Bob',
  'Carol',
  'David',
  'Emma',
  'Frank',
  'Grace',
  'Henry',
  'Iris',
  'Jack',
  'Kevin',
  'Linda',
  'Michael',
  'Nancy',
  'Oliver',
  'Peter',
  'Queenie',
  'Rachel',
  'Sam',
  'Tony',
  'Vivian',
  'William',
  'Yvonne',
  'Zoe',
];
const ENGLISH_FAMILY = [
  'Chen',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Smith',
  'Brown',
  'Lee',
  'Wong',
  'Ho',
  'Lam',
  'Cheung',
  'Taylor',
  'Miller',
  'Jones',
  'Ng',
  'Tan',
  'Lim',
];
const REGIONS = [
  '北京总部',
  '上海分公司',
  '广州分公司',
  '深圳分公司',
  '成都分公司',
  '武汉分公司',
  '杭州分公司',
  '西安分公司',
];
const TITLES = ['工程师', '高级工程师', '主管', '经理', '专员', '总监', '助理'];

export interface BenchDepartment {
  id: string;
  parentId: string | null;
  name: string;
  path: string[];
}

export interface BenchPerson {
  id: string;
  displayName: string;
  surname: string | null;
  givenName: string | null;
  email: string;
  secondaryEmails: string[];
  status: 'active' | 'disabled';
  title: string;
  departmentIds: string[];
  keys: SearchKey[];
  /** How the name was made, for picking queries. */
  style: 'common' | 'rare' | 'compound' | 'english';
}

export interface Population {
  departments: BenchDepartment[];
  people: BenchPerson[];
}

/**
 * Time-ordered UUIDs (version 7 layout): rows arrive in primary-key order, as
 * they would from a directory loaded over time, so the load appends to the btrees.
 */
export function orderedUuid(sequence: number, random: () => number): string {
  const time = (1_765_000_000_000 + sequence).toString(16).padStart(12, '0');
  const tail = Array.from({ length: 20 }, () => Math.floor(random() * 16).toString(16)).join('');

  return [
    time.slice(0, 8),
    time.slice(8, 12),
    `7${tail.slice(0, 3)}`,
    `${(8 + Math.floor(random() * 4)).toString(16)}${tail.slice(3, 6)}`,
    tail.slice(6, 18),
  ].join('-');
}

export function generateDepartments(random: () => number, people: number): BenchDepartment[] {
  // About 60 people per team at any size.
  const departments: BenchDepartment[] = [];
  let sequence = 0;
  buildDepartmentTree<BenchDepartment>(
    { people, peoplePerTeam: 60, regions: REGIONS },
    (name, parent) => {
      const id = orderedUuid(sequence++, random);
      const department = {
        id,
        parentId: parent?.id ?? null,
        name,
        path: [...(parent?.path ?? []), id],
      };
      departments.push(department);

      return department;
    },
  );

  return departments;
}

export function generatePopulation(size: number, seed = 20251204): Population {
  const random = seededRandom(seed);
  const departments = generateDepartments(random, size);
  const hasChildren = new Set(departments.map((department) => department.parentId));
  const teams = departments.filter((department) => !hasChildren.has(department.id));
  const pick = picker(random);
  const nextName = nameGenerator(random, {
    givenCharacters: GIVEN_CHARACTERS,
    englishGivenName: () => pick(ENGLISH_GIVEN),
    englishFamilyNames: ENGLISH_FAMILY,
  });
  const unique = uniqueLocalParts();
  const address = (local: string): string => `${unique(local)}@example.cn`;

  const people: BenchPerson[] = [];
  for (let index = 0; index < size; index += 1) {
    const { style, surname, givenName, displayName } = nextName();
    const nameOnly = { displayName, surname, givenName, email: 'x@example.cn' };
    const pinyinKey = searchKeys(nameOnly).find((key) => key.kind === 'pinyin')?.key;
    const local =
      style === 'english'
        ? `${givenName[0]}${surname}`.toLowerCase()
        : (pinyinKey ?? `user${index}`);
    const email = address(local);
    const secondaryEmails =
      random() < 0.1
        ? [address(style === 'english' ? givenName.toLowerCase() : `${local}.work`)]
        : [];
    const team = pick(teams);
    const departmentIds = random() < 0.05 ? [team.id, pick(teams).id] : [team.id];
    const person = {
      id: orderedUuid(index, random),
      displayName,
      surname,
      givenName,
      email,
      secondaryEmails,
      status: random() < 0.02 ? ('disabled' as const) : ('active' as const),
      title: pick(TITLES),
      departmentIds: [...new Set(departmentIds)],
      style,
    };
    people.push({ ...person, keys: searchKeys(person) });
  }

  return { departments, people };
}
