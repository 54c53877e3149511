import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { RunningContacts } from './start-contacts';

export const BASE_URL = 'https://confer.test/scim/v2';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const DEPARTMENT = 'urn:confer:params:scim:schemas:extension:department:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ScimRequest = Parameters<contacts.ContactsServiceClient['scimGet']>[0];
export type ScimResourceType = 'User' | 'Group';
export type Json = Record<string, unknown> & { id: string; meta: { version: string } };

/** SCIM calls act for the token, not for the call's caller. */
export const anyone: Caller = {
  userId: 'scim',
  orgId: 'scim',
  roles: [],
  correlationId: 'it-scim',
};

/** SCIM requests over contacts' gRPC API, as the gateway sends them, answered as parsed JSON. */
export interface ScimClient {
  /** A request with every field empty but the token, resource and base URL. */
  request(resource: ScimResourceType, fields?: Partial<ScimRequest>): ScimRequest;
  create(resource: ScimResourceType, body: object): Promise<Json>;
  get(resource: ScimResourceType, id: string): Promise<Json>;
  /** Up to 50 resources matching `filter`. */
  list(
    resource: ScimResourceType,
    filter: string,
  ): Promise<{ totalResults: number; Resources: Json[] }>;
  patchBody(operations: object[]): string;
  patch(
    resource: ScimResourceType,
    id: string,
    operations: object[],
    ifMatch?: string,
  ): Promise<Json>;
  put(resource: ScimResourceType, id: string, body: object): Promise<Json>;
}

/**
 * A client for the running app and the token, both read at each call since a
 * spec sets them in beforeAll.
 */
export function scimClient(app: () => RunningContacts, token: () => string): ScimClient {
  const request = (resource: ScimResourceType, fields: Partial<ScimRequest> = {}): ScimRequest => ({
    token: token(),
    resource: `SCIM_RESOURCE_${resource.toUpperCase()}` as ScimRequest['resource'],
    id: '',
    bodyJson: '',
    ifMatch: '',
    baseUrl: BASE_URL,
    filter: '',
    startIndex: 0,
    count: 0,
    countGiven: false,
    attributes: [],
    excludedAttributes: [],
    ...fields,
  });
  const parsed = async <T = Json>(answer: Promise<{ bodyJson: string }>) =>
    JSON.parse((await answer).bodyJson) as T;
  const patchBody = (operations: object[]) =>
    JSON.stringify({ schemas: [PATCH_OP], Operations: operations });

  return {
    request,
    patchBody,
    create: (resource, body) =>
      parsed(
        app().client.scimCreate(anyone, request(resource, { bodyJson: JSON.stringify(body) })),
      ),
    get: (resource, id) => parsed(app().client.scimGet(anyone, request(resource, { id }))),
    list: (resource, filter) =>
      parsed(
        app().client.scimList(anyone, request(resource, { filter, count: 50, countGiven: true })),
      ),
    patch: (resource, id, operations, ifMatch = '') =>
      parsed(
        app().client.scimPatch(
          anyone,
          request(resource, { id, ifMatch, bodyJson: patchBody(operations) }),
        ),
      ),
    put: (resource, id, body) =>
      parsed(
        app().client.scimReplace(anyone, request(resource, { id, bodyJson: JSON.stringify(body) })),
      ),
  };
}
