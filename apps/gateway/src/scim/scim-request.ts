import type { Request } from 'express';

import { bearerToken } from '../auth/authenticated-request';

/** Where SCIM lives, outside /api/v1: provisioning clients are configured with this base URL. */
export const SCIM_PATH = 'scim/v2';

/** The SCIM endpoint's own URL as the client reached it, for meta.location and Location. */
export function scimBaseUrl(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}/${SCIM_PATH}`;
}

/** The bearer secret as presented; empty when there is none, which contacts answers 401. */
export function scimToken(request: Request): string {
  return bearerToken(request.headers.authorization) ?? '';
}

/** The body as the JSON text contacts parses; empty when the request carried none. */
export function scimBody(request: Request): string {
  return request.body === undefined ? '' : JSON.stringify(request.body);
}

/** A comma-separated attribute list from a query parameter or a SearchRequest field. */
export function attributeList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];

  return items
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim())
    .filter(Boolean);
}
