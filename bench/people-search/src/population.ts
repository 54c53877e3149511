import { searchKeys, SearchKey } from '@confer/contacts/dist/people-search/search-keys';

/**
 * A directory in the style of the example organisation's (example-cn-org.ldif):
 * Chinese names by surname frequency, with the surnames read differently as
 * surnames and the compound ones mixed in, some English names, addresses made
 * of the pinyin, a department tree with memberships, a few disabled people.
 * Seeded, so that two runs of the same size search the same directory.
 */

// Roughly by frequency, most common first; the weight of the n-th is 1/(n+4).
const COMMON_SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
/** Read differently as surnames (单 shan, 曾 zeng, 仇 qiu, 解 xie, 朴 piao, 区 ou, ...). */
export const RARE_SURNAMES = [...'单曾仇解朴区查乐盖缪'];
export const COMPOUND_SURNAMES = ['欧阳', '司马', '尉迟', '长孙', '诸葛', '上官', '东方', '皇甫'];
const GIVEN_CHARACTERS = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩晨欣怡雪梅琳晶斌俊峰凯鑫婷颖佳昊然子涵梓轩思雨博文天乐志国海燕亮波宁春晓东雷飞龙云琪瑶嘉豪翔健彬琦康',
  ...'喆昕睿瑞琪璐航凡蕾薇岚毅诚安泽阳清',
];
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
const CENTRES = ['研发中心', '产品中心', '销售中心', '运营中心', '职能中心'];
const UNITS = [
  '平台研发部',
  '客户端研发部',
  '测试部',
  '产品设计部',
  '用户体验部',
  '华北销售一组',
  '华南销售二组',
  '市场部',
  '客服部',
  '人力资源部',
  '财务部',
  '法务部',
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

/** Mulberry32: small, fast and good enough for picking names. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  const teamsPerUnit = Math.max(
    1,
    Math.round(people / 60 / (REGIONS.length * CENTRES.length * UNITS.length)),
  );
  const departments: BenchDepartment[] = [];
  let sequence = 0;
  const add = (name: string, parent: BenchDepartment | null): BenchDepartment => {
    const id = orderedUuid(sequence++, random);
    const department = {
      id,
      parentId: parent?.id ?? null,
      name,
      path: [...(parent?.path ?? []), id],
    };
    departments.push(department);

    return department;
  };
  for (const region of REGIONS) {
    const root = add(region, null);
    for (const centre of CENTRES) {
      const middle = add(centre, root);
      for (const unit of UNITS) {
        const leaf = add(unit, middle);
        for (let team = 1; teamsPerUnit > 1 && team <= teamsPerUnit; team += 1) {
          add(`${unit}第${team}组`, leaf);
        }
      }
    }
  }

  return departments;
}

export function generatePopulation(size: number, seed = 20251204): Population {
  const random = seededRandom(seed);
  const departments = generateDepartments(random, size);
  const hasChildren = new Set(departments.map((department) => department.parentId));
  const teams = departments.filter((department) => !hasChildren.has(department.id));
  const surnameWeights = COMMON_SURNAMES.map((_, index) => 1 / (index + 4));
  const weightTotal = surnameWeights.reduce((sum, weight) => sum + weight, 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const commonSurname = (): string => {
    let target = random() * weightTotal;
    for (let index = 0; index < COMMON_SURNAMES.length; index += 1) {
      target -= surnameWeights[index];
      if (target <= 0) {
        return COMMON_SURNAMES[index];
      }
    }

    return COMMON_SURNAMES[0];
  };
  const localParts = new Map<string, number>();
  const address = (local: string): string => {
    const seen = (localParts.get(local) ?? 0) + 1;
    localParts.set(local, seen);

    return `${seen === 1 ? local : `${local}${seen}`}@example.cn`;
  };

  const people: BenchPerson[] = [];
  for (let index = 0; index < size; index += 1) {
    const roll = random();
    const style: BenchPerson['style'] =
      roll < 0.06 ? 'english' : roll < 0.1 ? 'rare' : roll < 0.12 ? 'compound' : 'common';
    let displayName: string;
    let surname: string | null;
    let givenName: string | null;
    if (style === 'english') {
      givenName = pick(ENGLISH_GIVEN);
      surname = pick(ENGLISH_FAMILY);
      displayName = `${givenName} ${surname}`;
    } else {
      surname =
        style === 'rare'
          ? pick(RARE_SURNAMES)
          : style === 'compound'
            ? pick(COMPOUND_SURNAMES)
            : commonSurname();
      givenName = pick(GIVEN_CHARACTERS) + (random() < 0.7 ? pick(GIVEN_CHARACTERS) : '');
      displayName = surname + givenName;
    }
    const nameOnly = { displayName, surname, givenName, email: 'x@example.cn' };
    const pinyinKey = searchKeys(nameOnly).find((key) => key.kind === 'pinyin')?.key;
    const local =
      style === 'english'
        ? `${givenName![0]}${surname}`.toLowerCase()
        : (pinyinKey ?? `user${index}`);
    const email = address(local);
    const secondaryEmails =
      random() < 0.1
        ? [address(style === 'english' ? givenName!.toLowerCase() : `${local}.work`)]
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
