import { ScimError } from '../scim.errors';
import { ScimFilter, ScimValue } from './scim-filter';

/**
 * Whether one value of a multi-valued complex attribute (an e-mail, a phone
 * number, a group member) matches a PATCH path filter such as
 * `emails[type eq "work" and value ew "example.com"]`. Sub-attribute names and
 * strings compare case-insensitively: every sub-attribute this service keeps
 * (value, type, display, primary) is caseExact false in RFC 7643, or an id.
 */
export function matchesFilter(filter: ScimFilter, item: unknown): boolean {
  switch (filter.op) {
    case 'and':
      return matchesFilter(filter.left, item) && matchesFilter(filter.right, item);
    case 'or':
      return matchesFilter(filter.left, item) || matchesFilter(filter.right, item);
    case 'not':
      return !matchesFilter(filter.filter, item);
    case 'has':
      throw ScimError.invalidPath('A value filter cannot hold another value filter.');
    case 'pr': {
      const value = subAttribute(item, filter.attribute);

      return value !== undefined && value !== null && value !== '';
    }
    default:
      return compare(filter.op, subAttribute(item, filter.attribute), filter.value);
  }
}

/** The value of a sub-attribute of a complex value, by case-insensitive name. */
export function subAttribute(item: unknown, name: string): unknown {
  if (typeof item !== 'object' || item === null) {
    // A simple multi-valued attribute: its only sub-attribute is "value".
    return name === 'value' ? item : undefined;
  }
  const key = Object.keys(item).find((candidate) => candidate.toLowerCase() === name);

  return key === undefined ? undefined : (item as Record<string, unknown>)[key];
}

function compare(op: string, actual: unknown, expected: ScimValue): boolean {
  if (expected === null) {
    const absent = actual === undefined || actual === null;

    return op === 'eq' ? absent : op === 'ne' ? !absent : false;
  }
  if (typeof expected === 'boolean' || typeof expected === 'number') {
    if (op === 'eq') {
      return actual === expected;
    }
    if (op === 'ne') {
      return actual !== expected;
    }
    if (typeof expected === 'number' && typeof actual === 'number') {
      return order(op, actual - expected);
    }

    return false;
  }
  if (typeof actual !== 'string') {
    return op === 'ne';
  }
  const left = actual.toLowerCase();
  const right = expected.toLowerCase();
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    default:
      return order(op, left < right ? -1 : left > right ? 1 : 0);
  }
}

function order(op: string, difference: number): boolean {
  switch (op) {
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    default:
      return difference <= 0;
  }
}
