import { ScimError } from '../scim.errors';

/**
 * SCIM filters (RFC 7644 section 3.4.2.2) parsed into a tree. The parser only
 * builds data: what a filter may touch is decided where the tree is compiled
 * into bound SQL (filter-sql.ts) or evaluated in memory (filter-match.ts).
 */
export type ScimFilter =
  | { op: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | { op: 'not'; filter: ScimFilter }
  | { op: 'pr'; attribute: string }
  | { op: CompareOp; attribute: string; value: ScimValue }
  | { op: 'has'; attribute: string; filter: ScimFilter };

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ScimValue = string | number | boolean | null;

/** Long filters name nothing a directory holds; the bound keeps parsing cheap. */
export const MAX_FILTER_LENGTH = 2_000;
/** Nesting beyond this is refused rather than recursed into. */
const MAX_DEPTH = 20;

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

// The core schemas' URNs may prefix an attribute (RFC 7644 section 3.10); they are dropped so
// that `urn:...:core:2.0:User:userName` and `userName` are one attribute.
const CORE_PREFIXES = [
  'urn:ietf:params:scim:schemas:core:2.0:user:',
  'urn:ietf:params:scim:schemas:core:2.0:group:',
];

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: '(' | ')' | '[' | ']'; at: number };

/** Parses a filter, or throws ScimError invalidFilter saying where it went wrong. */
export function parseFilter(text: string): ScimFilter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  }
  const parser = new Parser(tokenize(text));
  const filter = parser.orExpression(0);
  parser.expectEnd();

  return filter;
}

/** Lower case, without a core schema URN: the form attributes are compared in. */
export function normaliseAttribute(path: string): string {
  const lower = path.toLowerCase();
  const prefix = CORE_PREFIXES.find((candidate) => lower.startsWith(candidate));

  return prefix ? lower.slice(prefix.length) : lower;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  orExpression(depth: number): ScimFilter {
    let left = this.andExpression(depth);
    while (this.peekWord('or')) {
      this.position += 1;
      left = { op: 'or', left, right: this.andExpression(depth) };
    }

    return left;
  }

  expectEnd(): void {
    const token = this.tokens[this.position];
    if (token) {
      throw ScimError.invalidFilter(`Unexpected ${describe(token)} at character ${token.at + 1}.`);
    }
  }

  private andExpression(depth: number): ScimFilter {
    let left = this.unary(depth);
    while (this.peekWord('and')) {
      this.position += 1;
      left = { op: 'and', left, right: this.unary(depth) };
    }

    return left;
  }

  private unary(depth: number): ScimFilter {
    if (depth > MAX_DEPTH) {
      throw ScimError.invalidFilter(`The filter nests deeper than ${MAX_DEPTH} levels.`);
    }
    if (this.peekWord('not') && this.tokens[this.position + 1]?.kind === '(') {
      this.position += 1;

      return { op: 'not', filter: this.group(depth + 1) };
    }
    if (this.tokens[this.position]?.kind === '(') {
      return this.group(depth + 1);
    }

    return this.attributeExpression(depth);
  }

  private group(depth: number): ScimFilter {
    this.expect('(');
    const inner = this.orExpression(depth);
    this.expect(')');

    return inner;
  }

  private attributeExpression(depth: number): ScimFilter {
    const path = this.next();
    if (path?.kind !== 'word' || !ATTRIBUTE_PATH.test(path.text)) {
      throw ScimError.invalidFilter(
        path
          ? `Expected an attribute name at character ${path.at + 1}, found ${describe(path)}.`
          : 'The filter ends where an attribute name was expected.',
      );
    }
    const attribute = normaliseAttribute(path.text);
    if (this.tokens[this.position]?.kind === '[') {
      this.position += 1;
      const inner = this.orExpression(depth + 1);
      this.expect(']');

      return { op: 'has', attribute, filter: inner };
    }
    const operator = this.next();
    const op = operator?.kind === 'word' ? operator.text.toLowerCase() : '';
    if (op === 'pr') {
      return { op: 'pr', attribute };
    }
    if (!COMPARE_OPS.has(op)) {
      throw ScimError.invalidFilter(
        operator
          ? `Unknown operator ${describe(operator)} at character ${operator.at + 1}.`
          : `The filter ends after "${path.text}" where an operator was expected.`,
      );
    }

    return { op: op as CompareOp, attribute, value: this.value() };
  }

  private value(): ScimValue {
    const token = this.next();
    if (token?.kind === 'string') {
      return token.text;
    }
    if (token?.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        return lower === 'true';
      }
      if (lower === 'null') {
        return null;
      }
      if (NUMBER.test(token.text)) {
        return Number(token.text);
      }
    }
    throw ScimError.invalidFilter(
      token
        ? `Expected a value (a quoted string, number, true, false or null) at character ${token.at + 1}.`
        : 'The filter ends where a value was expected.',
    );
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];

    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private expect(kind: '(' | ')' | ']'): void {
    const token = this.next();
    if (token?.kind !== kind) {
      throw ScimError.invalidFilter(
        token
          ? `Expected "${kind}" at character ${token.at + 1}, found ${describe(token)}.`
          : `The filter ends where "${kind}" was expected.`,
      );
    }
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    if (token) {
      this.position += 1;
    }

    return token;
  }
}

// attrPath per RFC 7644 section 3.10: an optional schema URN, a name, an optional sub-attribute.
const ATTRIBUTE_PATH =
  /^(?:urn:[A-Za-z0-9.:_-]+:)?[A-Za-z][A-Za-z0-9_$-]*(?:\.[A-Za-z][A-Za-z0-9_$-]*)?$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index += 1;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ kind: char, at: index });
      index += 1;
    } else if (char === '"') {
      const { value, end } = readString(text, index);
      tokens.push({ kind: 'string', text: value, at: index });
      index = end;
    } else {
      const start = index;
      while (index < text.length && !/[\s()[\]"]/.test(text[index])) {
        index += 1;
      }
      tokens.push({ kind: 'word', text: text.slice(start, index), at: start });
    }
  }

  return tokens;
}

/** A JSON string literal (RFC 7644 compValue strings are JSON strings) starting at `start`. */
function readString(text: string, start: number): { value: string; end: number } {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') {
    index += text[index] === '\\' ? 2 : 1;
  }
  if (index >= text.length) {
    throw ScimError.invalidFilter(`The string starting at character ${start + 1} is not closed.`);
  }
  let value: string;
  try {
    value = JSON.parse(text.slice(start, index + 1)) as string;
  } catch (error) {
    throw ScimError.invalidFilter(
      `The string starting at character ${start + 1} has an invalid escape.`,
      { cause: error },
    );
  }
  // PostgreSQL text cannot hold NUL (\u0000), so no stored value could ever match one.
  if (value.includes('\u0000')) {
    throw ScimError.invalidFilter(
      `The string starting at character ${start + 1} holds a NUL character.`,
    );
  }

  return { value, end: index + 1 };
}

function describe(token: Token): string {
  if (token.kind === 'word' || token.kind === 'string') {
    return `"${token.text.slice(0, 40)}"`;
  }

  return `"${token.kind}"`;
}
