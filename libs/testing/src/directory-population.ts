/**
 * Generated people for the directory benchmarks, in the style of the example
 * organisation's LDIF (libs/testing/fixtures/directory/example-cn-org.ldif):
 * Chinese names by surname frequency, with the surnames read differently as
 * surnames and the compound ones mixed in, some English names, and a
 * department tree of regions, centres, units and teams. Everything draws from
 * one seeded random source, so the same seed and size make the same directory;
 * each benchmark keeps its own tables where its directory differs and its own
 * shape for the result (LDIF entries, database rows).
 */

export type NameStyle = 'common' | 'rare' | 'compound' | 'english';

// Roughly by frequency, most common first; the weight of the n-th is 1/(n+4).
export const COMMON_SURNAMES: readonly string[] = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
/** Read differently as surnames (单 shan, 曾 zeng, 仇 qiu, 解 xie, 朴 piao, 区 ou, ...). */
export const RARE_SURNAMES = [...'单曾仇解朴区查乐盖缪'];
export const COMPOUND_SURNAMES = ['欧阳', '司马', '尉迟', '长孙', '诸葛', '上官', '东方', '皇甫'];
/** The common given-name characters; each directory adds its own rarer ones after these. */
export const COMMON_GIVEN_CHARACTERS: readonly string[] = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩晨欣怡雪梅琳晶斌俊峰凯鑫婷颖佳昊然子涵梓轩思雨博文天乐志国海燕亮波宁春晓东雷飞龙云琪瑶嘉豪翔健彬琦康',
];
export const DEPARTMENT_CENTRES: readonly string[] = [
  '研发中心',
  '产品中心',
  '销售中心',
  '运营中心',
  '职能中心',
];
export const DEPARTMENT_UNITS: readonly string[] = [
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

/** Picks one item, evenly, with one draw from `random`. */
export function picker(random: () => number): <T>(items: readonly T[]) => T {
  return (items) => items[Math.floor(random() * items.length)];
}

/**
 * Walks the department tree, parents before children: each region holds every
 * centre, each centre every unit, and a unit splits into teams of about
 * `peoplePerTeam` once the directory is large enough to need them.
 */
export function buildDepartmentTree<T>(
  options: { people: number; peoplePerTeam: number; regions: readonly string[] },
  add: (name: string, parent: T | null) => T,
): void {
  const { people, peoplePerTeam, regions } = options;
  const units = regions.length * DEPARTMENT_CENTRES.length * DEPARTMENT_UNITS.length;
  const teamsPerUnit = Math.max(1, Math.round(people / peoplePerTeam / units));
  for (const region of regions) {
    const root = add(region, null);
    for (const centre of DEPARTMENT_CENTRES) {
      const middle = add(centre, root);
      for (const unit of DEPARTMENT_UNITS) {
        const leaf = add(unit, middle);
        for (let team = 1; teamsPerUnit > 1 && team <= teamsPerUnit; team += 1) {
          add(`${unit}第${team}组`, leaf);
        }
      }
    }
  }
}

export interface GeneratedName {
  style: NameStyle;
  surname: string;
  givenName: string;
  displayName: string;
}

export interface NameTables {
  /** Characters a one- or two-character given name is drawn from. */
  givenCharacters: readonly string[];
  /** Draws an English given name from `random`. */
  englishGivenName: () => string;
  englishFamilyNames: readonly string[];
}

/**
 * Makes one name per call: about 6% English, 4% with a rare surname, 2% with
 * a compound one, the rest with a common surname by frequency, and 70% of
 * Chinese given names two characters long.
 */
export function nameGenerator(random: () => number, tables: NameTables): () => GeneratedName {
  const pick = picker(random);
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

  return () => {
    const roll = random();
    const style: NameStyle =
      roll < 0.06 ? 'english' : roll < 0.1 ? 'rare' : roll < 0.12 ? 'compound' : 'common';
    if (style === 'english') {
      const givenName = tables.englishGivenName();
      const surname = pick(tables.englishFamilyNames);

      return { style, surname, givenName, displayName: `${givenName} ${surname}` };
    }
    const surname =
      style === 'rare'
        ? pick(RARE_SURNAMES)
        : style === 'compound'
          ? pick(COMPOUND_SURNAMES)
          : commonSurname();
    const givenName =
      pick(tables.givenCharacters) + (random() < 0.7 ? pick(tables.givenCharacters) : '');

    return { style, surname, givenName, displayName: surname + givenName };
  };
}

/** Makes local parts unique in the order asked: `li`, `li2`, `li3`, ... */
export function uniqueLocalParts(): (local: string) => string {
  const seen = new Map<string, number>();

  return (local) => {
    const count = (seen.get(local) ?? 0) + 1;
    seen.set(local, count);

    return count === 1 ? local : `${local}${count}`;
  };
}
