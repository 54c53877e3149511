import { MAX_LIST_COUNT } from '../scim-list';
import { SCHEMA, ScimResource } from '../scim-json';
import { ScimError } from '../scim.errors';

/**
 * The discovery documents of RFC 7644 section 4, describing what this service
 * really does: the attributes it keeps, PATCH, filters and ETags; no bulk, no
 * sorting, no password changes (people sign in through Confer or SSO).
 */
export function discover(endpoint: string, id: string, baseUrl: string): ScimResource {
  switch (endpoint) {
    case 'ServiceProviderConfig':
      return serviceProviderConfig(baseUrl);
    case 'ResourceTypes':
      return id ? one(resourceTypes(baseUrl), id, 'ResourceType') : listOf(resourceTypes(baseUrl));
    case 'Schemas':
      return id ? one(schemas(baseUrl), id, 'Schema') : listOf(schemas(baseUrl));
    default:
      throw ScimError.notFound('Endpoint', endpoint);
  }
}

function serviceProviderConfig(baseUrl: string): ScimResource {
  return {
    schemas: [SCHEMA.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_LIST_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'A per-organisation SCIM token, made by an organisation administrator under /api/v1/admin/scim/tokens.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  };
}

function resourceTypes(baseUrl: string): ScimResource[] {
  return [
    {
      schemas: [SCHEMA.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person of the organisation directory.',
      schema: SCHEMA.user,
      schemaExtensions: [{ schema: SCHEMA.enterpriseUser, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [SCHEMA.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A department of the organisation tree.',
      schema: SCHEMA.group,
      schemaExtensions: [{ schema: SCHEMA.department, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

interface AttributeOptions {
  type?: string;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: string;
  uniqueness?: string;
  subAttributes?: ScimResource[];
  referenceTypes?: string[];
  description?: string;
}

function attribute(name: string, options: AttributeOptions = {}): ScimResource {
  return {
    name,
    type: options.type ?? 'string',
    multiValued: options.multiValued ?? false,
    description: options.description ?? '',
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
    ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
  };
}

function schemas(baseUrl: string): ScimResource[] {
  const schema = (id: string, name: string, description: string, attributes: ScimResource[]) => ({
    schemas: [SCHEMA.schema],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  });

  return [
    schema(SCHEMA.user, 'User', 'A person of the directory.', [
      attribute('userName', { required: true, uniqueness: 'server' }),
      attribute('name', {
        type: 'complex',
        subAttributes: [attribute('familyName'), attribute('givenName'), attribute('formatted')],
        description: 'formatted is read as the display name when displayName is absent; not kept.',
      }),
      attribute('displayName'),
      attribute('title'),
      attribute('active', { type: 'boolean', description: 'false disables the person.' }),
      attribute('emails', {
        type: 'complex',
        multiValued: true,
        description:
          "The primary (else first work, else first) address is the login and must be in the organisation's domain.",
        subAttributes: [
          attribute('value'),
          attribute('type'),
          attribute('primary', { type: 'boolean' }),
        ],
      }),
      attribute('phoneNumbers', {
        type: 'complex',
        multiValued: true,
        description:
          'The first work number is the desk phone, the first mobile the mobile; others are not kept.',
        subAttributes: [attribute('value'), attribute('type')],
      }),
      attribute('groups', {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        description: 'The departments the person is directly in.',
        subAttributes: [
          attribute('value', { mutability: 'readOnly' }),
          attribute('display', { mutability: 'readOnly' }),
          attribute('$ref', {
            type: 'reference',
            referenceTypes: ['Group'],
            mutability: 'readOnly',
          }),
        ],
      }),
      attribute('externalId', { caseExact: true }),
    ]),
    schema(SCHEMA.enterpriseUser, 'EnterpriseUser', 'Enterprise attributes kept by Confer.', [
      attribute('employeeNumber'),
      attribute('department', {
        description: 'Kept as given; departments themselves are Groups.',
      }),
    ]),
    schema(SCHEMA.group, 'Group', 'A department.', [
      attribute('displayName', { required: true }),
      attribute('members', {
        type: 'complex',
        multiValued: true,
        subAttributes: [
          attribute('value', { caseExact: true }),
          attribute('display', { mutability: 'readOnly' }),
          attribute('$ref', {
            type: 'reference',
            referenceTypes: ['User'],
            mutability: 'readOnly',
          }),
        ],
      }),
      attribute('externalId', { caseExact: true }),
    ]),
    schema(SCHEMA.department, 'Department', "Confer's place of a department in the tree.", [
      attribute('parent', {
        caseExact: true,
        description: 'The id of the parent Group; absent for a root of the tree.',
      }),
    ]),
  ];
}

function listOf(resources: ScimResource[]): ScimResource {
  return {
    schemas: [SCHEMA.listResponse],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

function one(resources: ScimResource[], id: string, kind: string): ScimResource {
  const found = resources.find((resource) => resource.id === id);
  if (!found) {
    throw ScimError.notFound(kind, id);
  }

  return found;
}
