import { Attribute, SearchEntry } from 'ldapts';

const MERGING = Symbol.for('confer.ldapts.mergeRepeatedAttributes');

/** Attribute's raw values, a private field of ldapts that parsedBuffers reads. */
interface RawAttribute {
  buffers: Buffer[];
}

type ToObject = SearchEntry['toObject'] & { [MERGING]?: true };

/**
 * ldapts (8.2) turns a search entry into an object one attribute at a time,
 * so when a server sends the same attribute twice in one entry (slapd does,
 * for an entry loaded with a second `mail` line that is not next to the
 * first) only the last one's values survive. This wraps
 * `SearchEntry.prototype.toObject` so that it first merges repeated
 * attributes, in the order the server sent them. It changes nothing for an
 * entry without repeats, so it is safe for every user of the library in the
 * process; applying it twice is harmless. Without it a person's primary
 * address could be taken from their second `mail` value and the first lost.
 */
export function mergeRepeatedAttributes(): void {
  const original = SearchEntry.prototype.toObject as ToObject;
  if (original[MERGING]) {
    return;
  }
  const merging: ToObject = function (this: SearchEntry, ...args: Parameters<ToObject>) {
    this.attributes = mergedAttributes(this.attributes);

    return original.apply(this, args);
  };
  merging[MERGING] = true;
  SearchEntry.prototype.toObject = merging;
}

/** One attribute per type (compared without case), values in the order received. */
export function mergedAttributes(attributes: Attribute[]): Attribute[] {
  const byType = new Map<string, Attribute>();
  const merged: Attribute[] = [];
  for (const attribute of attributes) {
    const key = attribute.type.toLowerCase();
    const first = byType.get(key);
    if (!first) {
      byType.set(key, attribute);
      merged.push(attribute);
      continue;
    }
    first.values = [...first.values, ...attribute.values] as Buffer[] | string[];
    // The raw bytes too: they are what toObject answers for a value that is not UTF-8.
    (first as unknown as RawAttribute).buffers = [
      ...first.parsedBuffers,
      ...attribute.parsedBuffers,
    ];
  }

  return merged;
}
