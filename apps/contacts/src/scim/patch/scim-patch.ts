import { isDeepStrictEqual } from 'node:util';

import { matchesFilter } from '../filter/filter-match';
import { normaliseAttribute, parseFilter, ScimFilter } from '../filter/scim-filter';
import { isObject, SCHEMA, ScimResource } from '../scim-json';
import { ScimError } from '../scim.errors';

/** Requests with more operations are refused: a provisioning client never needs them. */
export const MAX_PATCH_OPERATIONS = 1_000;

export interface PatchRules {
  /** Extension schema URNs whose attributes live in an object under the URN. */
  extensions: string[];
  /** Attributes (lower case) no operation may change: id, meta, groups. */
  readOnly: string[];
}

interface Target {
  /** The extension URN the attribute lives under, when it is an extension attribute. */
  extension?: string;
  attribute: string;
  filter?: ScimFilter;
  sub?: string;
}

type Operation = 'add' | 'replace' | 'remove';

/**
 * Applies a PatchOp request (RFC 7644 section 3.5.2) to a copy of a resource's
 * SCIM representation and returns the copy; the caller validates the result
 * as it would a PUT, so a PATCH can never store what a PUT could not. All
 * operations apply or none do: any failure throws before anything is written.
 */
export function applyPatch(resource: ScimResource, body: unknown, rules: PatchRules): ScimResource {
  if (!isObject(body)) {
    throw ScimError.invalidSyntax('A PATCH body must be a JSON object.');
  }
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMA.patchOp)) {
    throw ScimError.invalidSyntax(`A PATCH body must name the schema ${SCHEMA.patchOp}.`);
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.invalidSyntax('A PATCH body must hold a non-empty "Operations" array.');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.tooMany(`At most ${MAX_PATCH_OPERATIONS} operations per PATCH request.`);
  }
  const result = structuredClone(resource);
  operations.forEach((operation, index) => applyOne(result, operation, index, rules));

  return result;
}

function applyOne(resource: ScimResource, raw: unknown, index: number, rules: PatchRules): void {
  if (!isObject(raw)) {
    throw ScimError.invalidSyntax(`Operation ${index + 1} is not a JSON object.`);
  }
  const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw ScimError.invalidSyntax(
      `Operation ${index + 1} has op "${String(raw.op)}"; expected add, replace or remove.`,
    );
  }
  if (raw.path !== undefined && typeof raw.path !== 'string') {
    throw ScimError.invalidPath(`Operation ${index + 1} has a path that is not a string.`);
  }
  const path = raw.path?.trim();
  if (!path) {
    if (op === 'remove') {
      throw ScimError.noTarget(`Operation ${index + 1} removes without a path.`);
    }
    if (!isObject(raw.value)) {
      throw ScimError.invalidSyntax(
        `Operation ${index + 1} has no path, so its value must be an object of attributes.`,
      );
    }
    applyWithoutPath(resource, op, raw.value, rules);

    return;
  }
  if (op !== 'remove' && raw.value === undefined) {
    throw ScimError.invalidSyntax(`Operation ${index + 1} (${op}) has no value.`);
  }
  applyAtPath(resource, op, path, raw.value, rules);
}

function applyAtPath(
  resource: ScimResource,
  op: Operation,
  path: string,
  value: unknown,
  rules: PatchRules,
): void {
  const target = parsePath(path, rules.extensions);
  if (!target.extension && rules.readOnly.includes(target.attribute.toLowerCase())) {
    throw ScimError.mutability(target.attribute);
  }
  const container = target.extension
    ? (containerOf(resource, target.extension, op !== 'remove') ?? {})
    : resource;
  applyToTarget(container, op, target, value);
}

/** A key of a path-less value that is itself a path: `name.givenName`, `emails[...]`, `<URN>:attr`. */
function isPathKey(attribute: string, extensions: string[]): boolean {
  return (
    /[.[]/.test(attribute.replace(/^urn:[^[]*:/, '')) ||
    extensions.some((urn) => attribute.startsWith(`${urn.toLowerCase()}:`))
  );
}

function applyWithoutPath(
  resource: ScimResource,
  op: Operation,
  value: Record<string, unknown>,
  rules: PatchRules,
): void {
  for (const [name, inner] of Object.entries(value)) {
    const extension = rules.extensions.find((urn) => urn.toLowerCase() === name.toLowerCase());
    if (extension) {
      if (!isObject(inner)) {
        throw ScimError.invalidValue(`"${name}" must be an object of extension attributes.`);
      }
      const container = containerOf(resource, extension, true) as Record<string, unknown>;
      for (const [key, extensionValue] of Object.entries(inner)) {
        setOrAdd(container, op, key, extensionValue);
      }
      continue;
    }
    const attribute = normaliseAttribute(name);
    if (attribute === 'schemas') {
      continue;
    }
    if (isPathKey(attribute, rules.extensions)) {
      // Entra ID sends `{"name.givenName": ..., "<extension URN>:employeeNumber": ...}` without
      // a path: each key is then a path of its own, applied as an operation with that path.
      applyAtPath(resource, op, name, inner, rules);
      continue;
    }
    if (rules.readOnly.includes(attribute)) {
      // Clients often send the resource back whole; an unchanged read-only value is harmless.
      if (!isDeepStrictEqual(get(resource, attribute), inner)) {
        throw ScimError.mutability(name);
      }
      continue;
    }
    setOrAdd(resource, op, attribute, inner);
  }
}

function applyToTarget(
  container: Record<string, unknown>,
  op: Operation,
  target: Target,
  value: unknown,
): void {
  if (target.filter) {
    applyToMatches(container, op, target, value);

    return;
  }
  if (target.sub) {
    const parent = get(container, target.attribute);
    if (op === 'remove') {
      if (isObject(parent)) {
        remove(parent, target.sub);
      } else if (Array.isArray(parent)) {
        parent.forEach((item) => isObject(item) && remove(item, target.sub as string));
      }

      return;
    }
    if (Array.isArray(parent)) {
      parent.forEach((item) => isObject(item) && set(item, target.sub as string, value));

      return;
    }
    const object = isObject(parent) ? parent : {};
    set(object, target.sub, value);
    set(container, target.attribute, object);

    return;
  }
  if (op === 'remove') {
    const existing = get(container, target.attribute);
    if (value !== undefined && value !== null && Array.isArray(existing)) {
      // Entra ID removes one member as {"op":"Remove","path":"members","value":[{"value":id}]}:
      // only the values named go, not the whole attribute. One not held is already gone.
      const named = Array.isArray(value) ? value : [value];
      set(
        container,
        target.attribute,
        existing.filter((held) => !named.some((item) => sameValue(held, item))),
      );

      return;
    }
    remove(container, target.attribute);

    return;
  }
  setOrAdd(container, op, target.attribute, value);
}

/** `attr[filter]` and `attr[filter].sub`: the values of a multi-valued attribute that match. */
function applyToMatches(
  container: Record<string, unknown>,
  op: Operation,
  target: Target,
  value: unknown,
): void {
  const filter = target.filter as ScimFilter;
  const values = get(container, target.attribute);
  const list = Array.isArray(values) ? values : [];
  const matching = list.filter((item) => matchesFilter(filter, item));
  if (matching.length === 0) {
    if (op === 'remove' || op === 'replace') {
      throw ScimError.noTarget(`No value of "${target.attribute}" matches the path filter.`);
    }
    // Entra ID adds a value it has not sent before through its type, as
    // `phoneNumbers[type eq "mobile"].value`: the value is created from the filter's equalities.
    const fixed = equalities(filter);
    if (!fixed) {
      throw ScimError.noTarget(
        `No value of "${target.attribute}" matches the path filter, and the filter does not say what a new one would be (use eq, joined by and).`,
      );
    }
    const created = target.sub
      ? { ...fixed, [target.sub]: value }
      : isObject(value)
        ? { ...fixed, ...value }
        : undefined;
    if (!created) {
      throw ScimError.invalidValue(`A value of "${target.attribute}" must be an object.`);
    }
    const values = [...list, created];
    if (created.primary === true) {
      keepOnePrimary(values, created);
    }
    set(container, target.attribute, values);

    return;
  }
  if (op === 'remove' && !target.sub) {
    set(
      container,
      target.attribute,
      list.filter((item) => !matching.includes(item)),
    );

    return;
  }
  for (const item of matching) {
    if (target.sub) {
      if (!isObject(item)) {
        throw ScimError.invalidPath(`Values of "${target.attribute}" have no sub-attributes.`);
      }
      if (op === 'remove') {
        remove(item, target.sub);
      } else {
        set(item, target.sub, value);
      }
    } else if (isObject(item) && isObject(value)) {
      Object.entries(value).forEach(([key, inner]) => set(item, key, inner));
    } else {
      throw ScimError.invalidValue(`A value of "${target.attribute}" must be an object.`);
    }
  }
  if (target.sub === 'primary' || (isObject(value) && value.primary === true)) {
    keepOnePrimary(list, matching[matching.length - 1]);
  }
}

/** The sub-attribute values a filter of `eq` comparisons joined by `and` fixes; else undefined. */
function equalities(filter: ScimFilter): Record<string, unknown> | undefined {
  if (filter.op === 'and') {
    const left = equalities(filter.left);
    const right = equalities(filter.right);

    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.op === 'eq' && !filter.attribute.includes('.') && filter.value !== null) {
    return { [filter.attribute]: filter.value };
  }

  return undefined;
}

/** add appends to multi-valued attributes and merges complex ones; replace overwrites. */
function setOrAdd(
  container: Record<string, unknown>,
  op: Operation,
  name: string,
  value: unknown,
): void {
  const existing = get(container, name);
  if (op === 'add' && (Array.isArray(existing) || Array.isArray(value))) {
    const current = Array.isArray(existing) ? existing : existing === undefined ? [] : [existing];
    const added = (Array.isArray(value) ? value : [value]).filter(
      (item) => !current.some((held) => sameValue(held, item)),
    );
    const merged = [...current, ...added];
    const primary = added.find((item) => isObject(item) && item.primary === true);
    if (primary) {
      keepOnePrimary(merged, primary);
    }
    set(container, name, merged);

    return;
  }
  if (isObject(existing) && isObject(value)) {
    Object.entries(value).forEach(([key, inner]) => set(existing, key, inner));

    return;
  }
  set(container, name, value);
}

/** RFC 7644 section 3.5.2: a value set primary makes every other value non-primary. */
function keepOnePrimary(values: unknown[], primary: unknown): void {
  for (const item of values) {
    if (item !== primary && isObject(item) && item.primary === true) {
      item.primary = false;
    }
  }
}

/** Two values of a multi-valued attribute are one when their "value" sub-attributes are. */
function sameValue(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && a.value !== undefined && b.value !== undefined) {
    return (
      String(a.value).toLowerCase() === String(b.value).toLowerCase() &&
      (a.type === undefined || b.type === undefined || a.type === b.type)
    );
  }

  return isDeepStrictEqual(a, b);
}

const PATH = /^([A-Za-z][A-Za-z0-9_$-]*)(?:\[(.*)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$/s;

/** Splits a PATCH path (RFC 7644 section 3.5.2: attrPath / valuePath [subAttr]). */
export function parsePath(path: string, extensions: string[]): Target {
  let rest = path;
  let extension: string | undefined;
  for (const urn of extensions) {
    if (path.toLowerCase().startsWith(`${urn.toLowerCase()}:`)) {
      extension = urn;
      rest = path.slice(urn.length + 1);
    } else if (path.toLowerCase() === urn.toLowerCase()) {
      return { attribute: urn };
    }
  }
  if (!extension) {
    rest = normaliseAttribute(rest);
  }
  const match = PATH.exec(rest);
  if (!match) {
    throw ScimError.invalidPath(`"${path}" is not a valid attribute path.`);
  }
  const [, attribute, filterText, sub] = match;
  let filter: ScimFilter | undefined;
  if (filterText !== undefined) {
    try {
      filter = parseFilter(filterText);
    } catch (error) {
      throw ScimError.invalidPath(
        `The filter in "${path}" is not valid: ${(error as Error).message}`,
      );
    }
  }

  return {
    extension,
    attribute: attribute.toLowerCase(),
    filter,
    sub: sub?.toLowerCase(),
  };
}

function containerOf(
  resource: ScimResource,
  extension: string,
  create: boolean,
): Record<string, unknown> | undefined {
  const existing = get(resource, extension);
  if (isObject(existing)) {
    return existing;
  }
  if (!create) {
    return undefined;
  }
  const container = {};
  set(resource, extension, container);

  return container;
}

/** Attribute names are case-insensitive (RFC 7643 section 2.1). */
function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();

  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function get(object: Record<string, unknown>, name: string): unknown {
  const key = keyOf(object, name);

  return key === undefined ? undefined : object[key];
}

function set(object: Record<string, unknown>, name: string, value: unknown): void {
  object[keyOf(object, name) ?? name] = value;
}

function remove(object: Record<string, unknown>, name: string): void {
  const key = keyOf(object, name);
  if (key !== undefined) {
    delete object[key];
  }
}
