import { pinyin } from 'pinyin-pro';

/**
 * name, pinyin and initials read the whole name, surname first; the given_ kinds
 * read the given name alone (小明, xiaoming, xm for 王小明), which ranks below them.
 */
export type SearchKeyKind =
  'name' | 'pinyin' | 'initials' | 'given_name' | 'given_pinyin' | 'given_initials' | 'email';

/** Every kind, as the user_search_keys_kind_known constraint lists them. */
export const SEARCH_KEY_KINDS: readonly SearchKeyKind[] = [
  'name',
  'pinyin',
  'initials',
  'given_name',
  'given_pinyin',
  'given_initials',
  'email',
];

export interface SearchKey {
  kind: SearchKeyKind;
  key: string;
}

export interface SearchablePerson {
  displayName: string;
  surname?: string | null;
  givenName?: string | null;
  email: string;
  secondaryEmails?: string[];
}

const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /[\p{Script=Latin}\p{N}]+/gu;

// Compound surnames pinyin-pro's surname mode knows; used to find where the surname
// ends when the directory gives a display name but no surname.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '尉迟',
  '长孙',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '夏侯',
  '公孙',
  '慕容',
  '令狐',
  '宇文',
  '司徒',
  '端木',
  '轩辕',
  '澹台',
  '南宫',
  '西门',
  '独孤',
  '呼延',
  '万俟',
]);

/**
 * Every key a person can be found by, computed once at sync time: the name as
 * written and its Latin words; for a name with Chinese characters (in the
 * display name, or failing that in the surname and given name fields), keys of
 * its Chinese part alone: the characters, the full pinyin and its initials (the
 * surname read as a surname: 单 shan, 曾 zeng, 尉迟 yuchi), and the given name's
 * characters, pinyin and initials; and each address with its local part. So
 * "David Wu 吴大卫" is found by david, wu, 吴, 大卫, wudawei, dawei and wdw. Keys
 * are lower case, NFC, without spaces: at most six from the Chinese part, so
 * the count per person stays bounded.
 */
export function searchKeys(person: SearchablePerson): SearchKey[] {
  const keys = new Map<string, SearchKey>();
  const add = (kind: SearchKeyKind, key: string): void => {
    const folded = foldQuery(key);
    if (folded) {
      keys.set(`${kind}:${folded}`, { kind, key: folded });
    }
  };

  const name = person.displayName.normalize('NFC').trim();
  add('name', name);
  for (const word of name.match(LATIN_WORD) ?? []) {
    add('name', word);
  }
  const chinese = chineseName(person);
  if (chinese) {
    const surname = surnameOf(chinese, person.surname ?? undefined);
    const syllables = nameSyllables(chinese, surname);
    add('name', chinese);
    add('pinyin', syllables.join(''));
    add('initials', initials(syllables));
    // The given name alone, as colleagues often type it: 小明, xiaoming, xm.
    if (surname.length > 0 && surname.length < chinese.length) {
      const given = syllables.slice(surname.length);
      add('given_name', chinese.slice(surname.length));
      add('given_pinyin', given.join(''));
      // One syllable's initial is already a prefix of its pinyin.
      if (given.length > 1) {
        add('given_initials', initials(given));
      }
    }
  }
  for (const address of [person.email, ...(person.secondaryEmails ?? [])]) {
    add('email', address);
    add('email', address.slice(0, address.lastIndexOf('@')));
  }

  return [...keys.values()];
}

/**
 * The Chinese characters of a person's name, in order, others left out: of the
 * display name ("David Wu 吴大卫" → 吴大卫), or, when it has none, of the surname
 * and given name fields. Undefined for a name without any.
 */
function chineseName(person: SearchablePerson): string | undefined {
  const hanOf = (text: string | null | undefined): string =>
    [...(text ?? '').normalize('NFC')].filter((char) => HAN.test(char)).join('');
  const chinese = hanOf(person.displayName) || hanOf(person.surname) + hanOf(person.givenName);

  return chinese || undefined;
}

/** Whether searchKeys finds Chinese characters in the person's name fields. */
export function hasChineseName(
  person: Pick<SearchablePerson, 'displayName' | 'surname' | 'givenName'>,
): boolean {
  return chineseName({ ...person, email: '' }) !== undefined;
}

function initials(syllables: string[]): string {
  return syllables.map((syllable) => syllable[0]).join('');
}

/**
 * The forms of a typed query to match keys with: as typed (lower case, no
 * spaces), and with its Chinese characters turned into pinyin, so that 欧阳z
 * finds ouyangzhe. At most two forms.
 */
export function queryForms(query: string): string[] {
  const folded = foldQuery(query);
  if (!folded) {
    return [];
  }
  const forms = [folded];
  if (HAN.test(folded) && /[a-z]/.test(folded)) {
    forms.push(nameSyllables(folded, surnameOf(folded, undefined)).join(''));
  }

  return [...new Set(forms)];
}

/**
 * The pinyin of a query written in Chinese characters (surname read as a
 * surname), or undefined when it has none. The fuzzy branch looks it up, so
 * that 张伟铭 finds 张伟明: the same sound typed with another character is the
 * commonest slip with a pinyin input method.
 */
export function soundForm(query: string): string | undefined {
  const folded = foldQuery(query);
  if (!HAN.test(folded)) {
    return undefined;
  }
  const sound = nameSyllables(folded, surnameOf(folded, undefined)).join('');

  return /^[a-z]+$/.test(sound) ? sound : undefined;
}

/**
 * Lower case, NFC, spaces removed; control characters too (PostgreSQL text
 * cannot hold a NUL, and no one types the others into a name).
 */
export function foldQuery(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\p{Cc}]+/gu, '');
}

/**
 * One pinyin syllable (no tones, lower case) per character, `family` (the name's
 * first characters) read as a surname; non-Han runs kept whole.
 */
function nameSyllables(name: string, family: string): string[] {
  const rest = name.slice(family.length);

  return [...(family ? toPinyin(family, true) : []), ...(rest ? toPinyin(rest, false) : [])].filter(
    Boolean,
  );
}

function toPinyin(text: string, asSurname: boolean): string[] {
  return pinyin(text, {
    toneType: 'none',
    type: 'array',
    mode: asSurname ? 'surname' : 'normal',
    nonZh: 'consecutive',
    v: true,
  }).map((syllable) => syllable.toLowerCase().replace(/\s+/g, ''));
}

/** The part of a Chinese name that is the surname: the directory's, or a guess. */
function surnameOf(name: string, surname: string | undefined): string {
  const given = surname?.normalize('NFC').trim();
  if (given && HAN.test(given) && name.startsWith(given)) {
    return given;
  }
  if (!HAN.test(name[0] ?? '')) {
    return '';
  }

  return COMPOUND_SURNAMES.has(name.slice(0, 2)) ? name.slice(0, 2) : name.slice(0, 1);
}
