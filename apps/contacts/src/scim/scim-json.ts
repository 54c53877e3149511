import { createHash } from 'node:crypto';

/** The schema URNs this service reads and writes (RFC 7643 section 8.7, RFC 7644 section 3). */
export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** Confer's own Group extension: the parent department, so whole trees can be pushed. */
  department: 'urn:confer:params:scim:schemas:extension:department:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** A resource in its SCIM JSON form. */
export type ScimResource = Record<string, unknown>;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An attribute by case-insensitive name (RFC 7643 section 2.1). */
export function attribute(object: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);

  return key === undefined ? undefined : object[key];
}

/**
 * The weak entity tag of a representation (RFC 7644 section 3.14): a digest of
 * everything but meta, so it changes exactly when what a client can read does,
 * whichever path (SCIM, directory sync, the API) changed it.
 */
export function versionOf(resource: ScimResource): string {
  const { meta: _meta, ...content } = resource;
  const digest = createHash('sha256').update(stableJson(content)).digest('base64url');

  return `W/"${digest.slice(0, 22)}"`;
}

/**
 * Whether an If-Match header admits this version: absent, `*`, or a list
 * holding it. Weak comparison (RFC 9110 section 8.8.3.2), so W/ prefixes are ignored.
 */
export function ifMatchAdmits(header: string, version: string): boolean {
  const wanted = header.trim();
  if (!wanted || wanted === '*') {
    return true;
  }
  const opaque = (tag: string) => tag.trim().replace(/^W\//i, '');

  return wanted.split(',').some((tag) => opaque(tag) === opaque(version));
}

/** JSON with object keys sorted, so equal content always digests the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  }

  return JSON.stringify(value);
}
