import { ScimResource } from './scim-json';

/** The organisation a SCIM request acts for, from its bearer token. */
export interface ScimContext {
  orgId: string;
  /** The organisation's mail domain: login addresses must be in it. */
  domain: string;
  /** The id of the token used: the actor on audit lines and in logs. */
  tokenId: string;
  /** The SCIM endpoint's public URL, for meta.location and $ref. */
  baseUrl: string;
}

/** List parameters (RFC 7644 section 3.4.2), already bounded. */
export interface ScimListQuery {
  filter?: string;
  /** 1-based. */
  startIndex: number;
  count: number;
}

export interface ScimListPage {
  totalResults: number;
  resources: ScimResource[];
}

/** One resource as answered: its representation, which carries meta.version and location. */
export interface ScimResult {
  resource: ScimResource;
  version: string;
  location: string;
}

export function resultOf(resource: ScimResource): ScimResult {
  const meta = resource.meta as { version: string; location: string };

  return { resource, version: meta.version, location: meta.location };
}
