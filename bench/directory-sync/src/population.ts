import { pinyin } from 'pinyin-pro';

/**
 * A directory in the style of the example organisation's LDIF
 * (libs/testing/fixtures/directory/example-cn-org.ldif): Chinese names by
 * surname frequency with the surnames read differently as surnames and the
 * compound ones mixed in, English names, addresses made of the pinyin, some
 * second addresses, a department tree of organizational units with a
 * groupOfNames per department, some people in two departments and a few
 * disabled accounts. Seeded: the same size makes the same directory.
 */

const COMMON_SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
/** Read differently as surnames (单 shan, 曾 zeng, 仇 qiu, 解 xie, 朴 piao, 区 ou, ...). */
export const RARE_SURNAMES = [...'单曾仇解朴区查乐盖缪'];
export const COMPOUND_SURNAMES = ['欧阳', '司马', '尉迟', '长孙', '诸葛', '上官', '东方', '皇甫'];
const GIVEN_CHARACTERS = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩晨欣怡雪梅琳晶斌俊峰凯鑫婷颖佳昊然子涵梓轩思雨博文天乐志国海燕亮波宁春晓东雷飞龙云琪瑶嘉豪翔健彬琦康',
  // Rarer characters, some outside the Basic Multilingual Plane (𠇔, 𪚥).
  ...'喆昕睿瑞璐航凡蕾薇岚毅诚安泽阳清堃淼鑫犇',
  '𠇔',
  '𪚥',
];
const ENGLISH_GIVEN = ['Alice', 'Bob', 'Carol', 'David', 'Emma', 'Frank', 'Grace', 'Henry'];
const ENGLISH_MORE = ['Iris', 'Jack', 'Kevin', 'Linda', 'Michael', 'Nancy', 'Oliver', 'Peter'];
const ENGLISH_FAMILY = ['Chen', 'Wang', 'Li', 'Smith', 'Brown', 'Lee', 'Wong', 'Ho', 'Lam', 'Ng'];
const REGIONS = ['北京总部', '上海分公司', '广州分公司', '深圳分公司', '成都分公司', '武汉分公司'];
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

/** Regions, their centres, their units and, past a few thousand people, teams of about 70. */
function generateDepartments(people: number): BenchDepartment[] {
  const units = REGIONS.length * CENTRES.length * UNITS.length;
  const teamsPerUnit = Math.max(1, Math.round(people / 70 / units));
  const departments: BenchDepartment[] = [];
  const add = (name: string, parent: number | null): number => {
    departments.push({
      name,
      parent,
      path: [...(parent === null ? [] : departments[parent].path), name],
    });

    return departments.length - 1;
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

export function generatePopulation(size: number, domain: string, seed = 20251204): Population {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const surnameWeights = COMMON_SURNAMES.map((_, index) => 1 / (index + 4));
  const weightTotal = surnameWeights.reduce((sum, weight) => sum + weight, 0);
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
  const seen = new Map<string, number>();
  const unique = (local: string): string => {
    const count = (seen.get(local) ?? 0) + 1;
    seen.set(local, count);

    return count === 1 ? local : `${local}${count}`;
  };

  const departments = generateDepartments(size);
  const parents = new Set(departments.map((department) => department.parent));
  const teams = departments.flatMap((department, index) => (parents.has(index) ? [] : [index]));
  const members = departments.map((): number[] => []);
  const people: BenchPerson[] = [];
  for (let index = 0; index < size; index += 1) {
    const roll = random();
    const style: BenchPerson['style'] =
      roll < 0.06 ? 'english' : roll < 0.1 ? 'rare' : roll < 0.12 ? 'compound' : 'common';
    let surname: string;
    let givenName: string;
    let displayName: string;
    let local: string;
    if (style === 'english') {
      givenName = pick(random() < 0.5 ? ENGLISH_GIVEN : ENGLISH_MORE);
      surname = pick(ENGLISH_FAMILY);
      displayName = `${givenName} ${surname}`;
      local = `${givenName}.${surname}`.toLowerCase();
    } else {
      surname =
        style === 'rare'
          ? pick(RARE_SURNAMES)
          : style === 'compound'
            ? pick(COMPOUND_SURNAMES)
            : commonSurname();
      givenName = pick(GIVEN_CHARACTERS) + (random() < 0.7 ? pick(GIVEN_CHARACTERS) : '');
      displayName = surname + givenName;
      local = `${romanise(surname, true)}${romanise(givenName, false)}` || `user${index}`;
    }
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
