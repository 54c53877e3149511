import { MAX_TYPO_QUERY_LENGTH, prefixUpperBound, typoVariants } from './typo-variants';

describe(typoVariants.name, () => {
  const variants = typoVariants('zhagnwei');

  it('undoes one slip of each kind: swapped, missing, extra and wrong letters', () => {
    expect(variants).toContain('zhangwei');
    expect(typoVariants('zhngwei')).toContain('zhangwei');
    expect(typoVariants('zhanggwei')).toContain('zhangwei');
    expect(typoVariants('zhanqwei')).toContain('zhangwei');
  });

  it('stays within one edit, leaves the query itself out and repeats nothing', () => {
    expect(variants).not.toContain('zhagnwei');
    expect(variants).not.toContain('zhangwie');
    expect(new Set(variants).size).toBe(variants.length);
    // 8 deletions, 7 swaps, 26 × 8 substitutions and 26 × 9 insertions, less the repeats.
    expect(variants.length).toBeLessThan(8 + 7 + 26 * 8 + 26 * 9);
  });

  it('substitutes the characters the query itself uses, such as digits and dots', () => {
    expect(typoVariants('a.chen2')).toContain('a.chen');
    expect(typoVariants('achen3')).not.toContain('achen2');
    expect(typoVariants('ac.hen')).toContain('a.chen');
  });

  it('gives nothing for an empty or overlong query', () => {
    expect(typoVariants('')).toEqual([]);
    expect(typoVariants('a'.repeat(MAX_TYPO_QUERY_LENGTH + 1))).toEqual([]);
  });
});

describe(prefixUpperBound.name, () => {
  it('is the next string after every completion of the prefix in code-point order', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('张')).toBe('弡');
    expect(prefixUpperBound('%')).toBe('&');
  });

  it('carries past the last code point and has no bound when every one is the last', () => {
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBe('');
    expect(prefixUpperBound('\ud7ff')).toBe('\ue000');
  });
});
