import { normaliseAttribute } from './filter/scim-filter';
import { ScimListPage, ScimListQuery } from './scim-context';
import { isObject, SCHEMA, ScimResource } from './scim-json';
import { ScimError } from './scim.errors';

/** Results per page when the client names no count, and the most it may ask for. */
export const DEFAULT_LIST_COUNT = 100;
export const MAX_LIST_COUNT = 200;

export interface ListParameters {
  filter: string;
  startIndex: number;
  count: number;
  countGiven: boolean;
}

/**
 * Bounds list parameters as RFC 7644 section 3.4.2.4 says: a startIndex below
 * 1 is 1, a negative count is 0, and a count above the maximum is the maximum.
 */
export function listQuery(parameters: ListParameters): ScimListQuery {
  const count = parameters.countGiven
    ? Math.min(Math.max(parameters.count, 0), MAX_LIST_COUNT)
    : DEFAULT_LIST_COUNT;

  return {
    filter: parameters.filter.trim() || undefined,
    startIndex: Math.max(parameters.startIndex, 1),
    count,
  };
}

export function listResponse(page: ScimListPage, query: ScimListQuery): ScimResource {
  return {
    schemas: [SCHEMA.listResponse],
    totalResults: page.totalResults,
    startIndex: query.startIndex,
    itemsPerPage: page.resources.length,
    Resources: page.resources,
  };
}

/**
 * The `attributes` / `excludedAttributes` parameters (RFC 7644 section 3.4.2.5)
 * applied to a representation: top-level names, `name.sub` paths, and
 * extension attributes by their full URN. schemas and id are always kept.
 */
export function project(
  resource: ScimResource,
  attributes: string[],
  excluded: string[],
  extensions: string[],
): ScimResource {
  if (attributes.length === 0 && excluded.length === 0) {
    return resource;
  }
  const wanted = attributes.map((path) => splitPath(path, extensions));
  const dropped = excluded.map((path) => splitPath(path, extensions));
  const result: ScimResource = {};
  for (const [key, value] of Object.entries(resource)) {
    const name = key.toLowerCase();
    if (name === 'schemas' || name === 'id') {
      result[key] = value;
      continue;
    }
    if (wanted.length > 0) {
      const asked = wanted.filter((path) => path.top === name);
      if (asked.length === 0) {
        continue;
      }
      result[key] = asked.some((path) => !path.sub) ? value : keepSubs(value, asked);
      continue;
    }
    const removed = dropped.filter((path) => path.top === name);
    if (removed.some((path) => !path.sub)) {
      continue;
    }
    result[key] = removed.length > 0 ? dropSubs(value, removed) : value;
  }

  return result;
}

interface Path {
  top: string;
  sub?: string;
}

function splitPath(path: string, extensions: string[]): Path {
  const lower = path.trim().toLowerCase();
  for (const urn of extensions.map((extension) => extension.toLowerCase())) {
    if (lower === urn) {
      return { top: urn };
    }
    if (lower.startsWith(`${urn}:`)) {
      return { top: urn, sub: lower.slice(urn.length + 1) };
    }
  }
  const normalised = normaliseAttribute(lower);
  if (!/^[a-z$][a-z0-9_$-]*(\.[a-z$][a-z0-9_$-]*)?$/.test(normalised)) {
    throw ScimError.invalidValue(`"${path}" is not an attribute name.`);
  }
  const [top, sub] = normalised.split('.');

  return { top, sub };
}

function keepSubs(value: unknown, paths: Path[]): unknown {
  const pick = (item: unknown) =>
    isObject(item)
      ? Object.fromEntries(
          Object.entries(item).filter(([key]) =>
            paths.some((path) => path.sub === key.toLowerCase()),
          ),
        )
      : item;

  return Array.isArray(value) ? value.map(pick) : pick(value);
}

function dropSubs(value: unknown, paths: Path[]): unknown {
  const drop = (item: unknown) =>
    isObject(item)
      ? Object.fromEntries(
          Object.entries(item).filter(
            ([key]) => !paths.some((path) => path.sub === key.toLowerCase()),
          ),
        )
      : item;

  return Array.isArray(value) ? value.map(drop) : drop(value);
}
