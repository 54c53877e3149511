import { BenchPerson, seededRandom } from './population';

export const QUERY_KINDS = [
  'chinese-prefix',
  'full-pinyin',
  'initials',
  'mixed',
  'english',
  'email-prefix',
  'fuzzy-typo',
  'no-hit',
] as const;

export type QueryKind = (typeof QUERY_KINDS)[number];

export interface BenchQuery {
  kind: QueryKind;
  text: string;
  /** The searching person: their departments come first on ties. */
  viewerId: string;
}

const NO_HIT = ['qxzvkj', 'zzqqxx', 'xkcdqw', 'vvbnmq', '龘靐', 'jqxzwv'];

/**
 * What people type: the first characters of a Chinese name (a surname alone,
 * or surname and one given character), a whole pinyin, initials, a compound
 * surname with the given name's first letter (欧阳z), an English given name,
 * the start of an address, a pinyin with two letters swapped, and something
 * that names no one. Each made from a real person of the population.
 */
export function benchQueries(people: BenchPerson[], count: number, seed = 7): BenchQuery[] {
  const random = seededRandom(seed);
  const active = people.filter((person) => person.status === 'active');
  const byStyle = (style: BenchPerson['style']) => active.filter((p) => p.style === style);
  const chinese = active.filter((p) => p.style !== 'english');
  const compound = byStyle('compound');
  const english = byStyle('english');
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const keyOf = (person: BenchPerson, kind: string): string =>
    person.keys.find((key) => key.kind === kind)?.key ?? person.email;

  const make: Record<QueryKind, () => string> = {
    'chinese-prefix': () => {
      const person = pick(chinese);
      const surnameLength = person.surname?.length ?? 1;

      return person.displayName.slice(0, surnameLength + (random() < 0.5 ? 0 : 1));
    },
    'full-pinyin': () => keyOf(pick(chinese), 'pinyin'),
    initials: () => keyOf(pick(chinese), 'initials'),
    mixed: () => {
      const person = pick(compound);
      const given = keyOf(person, 'pinyin').slice(-pinyinOfGivenLength(person));

      return `${person.surname}${given.slice(0, 1 + Math.floor(random() * 2))}`;
    },
    english: () => {
      const person = pick(english);

      return random() < 0.7 ? person.givenName! : person.displayName;
    },
    'email-prefix': () => {
      const local = pick(active).email.split('@')[0];

      return local.slice(0, Math.min(local.length, 3 + Math.floor(random() * 4)));
    },
    'fuzzy-typo': () => {
      const key = keyOf(pick(chinese), 'pinyin');
      const at = 2 + Math.floor(random() * Math.max(1, key.length - 3));

      return at + 1 < key.length
        ? key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2)
        : `${key}x`;
    },
    'no-hit': () => pick(NO_HIT),
  };

  return Array.from({ length: count }, (_, index) => {
    const kind = QUERY_KINDS[index % QUERY_KINDS.length];

    return { kind, text: make[kind](), viewerId: pick(active).id };
  });
}

/** The length of the given name's pinyin: its given_pinyin key. */
function pinyinOfGivenLength(person: BenchPerson): number {
  return person.keys.find((key) => key.kind === 'given_pinyin')?.key.length ?? 1;
}
