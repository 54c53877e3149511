const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Longer queries are left out of the fuzzy branch: their variants would be thousands. */
export const MAX_TYPO_QUERY_LENGTH = 24;

/**
 * Every string one typing slip away from a typed query (Damerau–Levenshtein
 * distance 1): a character left out, one too many, one wrong, or two swapped.
 * Inserted and substituted characters are the Latin letters and the query's
 * own characters (so digits, dots and @ of an address are covered when typed).
 * The fuzzy branch looks each up as a whole key and as a key prefix, which
 * costs one index probe per variant, whatever the size of the directory.
 * The query itself is not among them; empty for queries outside 1..24 characters.
 */
export function typoVariants(form: string): string[] {
  const characters = [...form];
  if (characters.length === 0 || characters.length > MAX_TYPO_QUERY_LENGTH) {
    return [];
  }
  const alphabet = [...new Set([...LETTERS, ...characters])];
  const variants = new Set<string>();
  const join = (parts: string[]) => parts.join('');
  for (let at = 0; at <= characters.length; at += 1) {
    const before = characters.slice(0, at);
    const after = characters.slice(at);
    for (const letter of alphabet) {
      variants.add(join([...before, letter, ...after]));
    }
    if (at < characters.length) {
      variants.add(join([...before, ...after.slice(1)]));
      for (const letter of alphabet) {
        variants.add(join([...before, letter, ...after.slice(1)]));
      }
    }
    if (at + 1 < characters.length) {
      variants.add(join([...before, after[1], after[0], ...after.slice(2)]));
    }
  }
  variants.delete(form);
  variants.delete('');

  return [...variants];
}

/**
 * The smallest string greater than every string starting with `prefix`, in the
 * code-point order of the keys' "C" collation: `key >= prefix AND key < upper`
 * is the prefix range an index scan can walk.
 */
export function prefixUpperBound(prefix: string): string {
  const characters = [...prefix];
  while (characters.length > 0) {
    const last = characters.pop()!.codePointAt(0)!;
    // Skip the surrogate block, which no well-formed text contains.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    if (next <= 0x10ffff) {
      return characters.join('') + String.fromCodePoint(next);
    }
  }

  return '';
}
