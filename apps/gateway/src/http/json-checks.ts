import { RequestError } from '@confer/errors';

/**
 * Deepest nesting of objects and arrays a request may carry. Real requests
 * nest two or three levels; the validators after us recurse, and a body of
 * tens of thousands of levels (well under the size limit) would overflow
 * their stack.
 */
export const MAX_JSON_DEPTH = 32;

export type JsonProblem =
  | { reason: 'too_deep'; maxDepth: number }
  | { reason: 'nul_character'; path: string }
  | { reason: 'ill_formed_unicode'; path: string };

/** One value still to visit; the parent link names its path only when it is reported. */
interface Pending {
  value: unknown;
  depth: number;
  key: string | null;
  parent: Pending | null;
}

/**
 * Walks a parsed JSON value without recursion and answers the first thing no
 * endpoint accepts: nesting deeper than MAX_JSON_DEPTH, or a string (value or
 * key) that PostgreSQL could not store exactly: one holding U+0000, or one
 * that is not well-formed Unicode (a lone surrogate, which UTF-8 encoding
 * would silently turn into U+FFFD). Null when the value is fine.
 */
export function findJsonProblem(root: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const pending: Pending[] = [{ value: root, depth: 0, key: null, parent: null }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value } = item;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) {
        return { reason: problem, path: pathOf(item) };
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    const depth = item.depth + 1;
    if (depth > maxDepth) {
      return { reason: 'too_deep', maxDepth };
    }
    const entries = Array.isArray(value)
      ? value.map((element, index) => [String(index), element] as const)
      : Object.entries(value);
    for (const [key, element] of entries) {
      const problem = stringProblem(key);
      if (problem) {
        // The object holding the key is named, not the key: it is not fit to echo.
        return { reason: problem, path: pathOf(item) };
      }
      pending.push({ value: element, depth, key, parent: item });
    }
  }

  return null;
}

/** 400 request.invalid saying what is wrong and, for a string, where. */
export function jsonProblemError(problem: JsonProblem): RequestError {
  if (problem.reason === 'too_deep') {
    return RequestError.invalid(
      `The request nests objects and arrays deeper than ${problem.maxDepth} levels.`,
      { reason: problem.reason, maxDepth: problem.maxDepth },
    );
  }
  const what =
    problem.reason === 'nul_character'
      ? 'must not contain the NUL character (U+0000)'
      : 'must be well-formed Unicode (no unpaired surrogate)';

  return RequestError.invalid('The request has invalid fields.', {
    reason: problem.reason,
    fields: { [problem.path || '(body)']: [what] },
  });
}

function stringProblem(value: string): 'nul_character' | 'ill_formed_unicode' | null {
  if (value.includes('\0')) {
    return 'nul_character';
  }
  // String.prototype.isWellFormed (Node 20+): the compiler's lib level predates its typing.
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    return 'ill_formed_unicode';
  }

  return null;
}

/** `memberIds.0` style, like the validation pipe's field names. */
function pathOf(item: Pending): string {
  const keys: string[] = [];
  for (let node: Pending | null = item; node && node.key !== null; node = node.parent) {
    keys.push(node.key);
  }

  return keys.reverse().join('.');
}
