// SCIM 2.0 provisioning through the gateway at /scim/v2, as an identity provider drives it:
// a per-organisation bearer token made by an administrator, every RFC example shipped in the
// fixtures accepted, the user and group life cycle with ETags, SCIM error bodies that change
// nothing, and provisioned people visible in the directory, people search and sign-in.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';

import { ApiClient, expectStatus, signInAdmin, useStack } from '../support';

const FIXTURES = join(__dirname, '../../apps/contacts/test/fixtures/scim');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const DEPARTMENT = 'urn:confer:params:scim:schemas:extension:department:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const DOMAIN = 'example.com';

/** A SCIM body as a test reads it: a resource, a list or an error, loosely typed. */
interface Json {
  [key: string]: unknown;
  id: string;
  userName: string;
  externalId: string;
  meta: { version: string };
  members: { value: string }[];
  emails: unknown[];
  Resources: Json[];
  totalResults: number;
}

interface ScimAnswer {
  status: number;
  body: Json;
  headers: Headers;
}

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `scim--${name}.json`), 'utf8')) as Record<string, unknown>;

describe('SCIM 2.0 provisioning', () => {
  const stack = useStack();
  let admin: ApiClient;
  let secret: string;
  let tokenId: string;
  let orgId: string;

  /** A SCIM request as a provisioning client sends it. */
  async function scim(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimAnswer> {
    const response = await fetch(`${stack().gatewayUrl}/scim/v2${path}`, {
      method,
      headers: {
        accept: 'application/scim+json',
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();

    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Json,
      headers: response.headers,
    };
  }

  function expectScimError(answer: ScimAnswer, status: number, scimType?: string): void {
    expect({ status: answer.status, body: answer.body }).toEqual({
      status,
      body: {
        schemas: [ERROR],
        status: String(status),
        ...(scimType ? { scimType } : {}),
        detail: expect.any(String),
      },
    });
    expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  }

  /** The resource as stored, to prove a refused request changed nothing. */
  async function current(path: string): Promise<Json> {
    const answer = await scim('GET', path);
    expect(answer.status).toBe(200);

    return answer.body;
  }

  beforeAll(async () => {
    // An organisation owning example.com, the domain of the RFC examples, with an administrator.
    const contactsGrpc = ClientProxyFactory.create(
      grpcClientOptions('contacts', stack().apps.contacts.grpcUrl!),
    ) as unknown as ClientGrpc & { close(): void };
    const authGrpc = ClientProxyFactory.create(
      grpcClientOptions('auth', stack().apps['auth-2fa'].grpcUrl!),
    ) as unknown as ClientGrpc & { close(): void };
    try {
      const directory = serviceClient<contacts.ContactsServiceClient>(contactsGrpc, 'contacts');
      const issuer = serviceClient<auth.AuthServiceClient>(authGrpc, 'auth');
      orgId = randomUUID();
      const caller = systemCaller(orgId, randomUUID());
      await directory.createOrganisation(caller, { id: orgId, name: 'Example', domain: DOMAIN });
      const email = `it.admin@${DOMAIN}`;
      const password = `pw-${randomUUID()}`;
      const user = await directory.createUser(caller, {
        orgId,
        email,
        displayName: 'IT Admin',
        roles: ['org_admin'],
      });
      await issuer.setPassword(caller, { userId: user.id, password });
      admin = await ApiClient.login(stack().gatewayUrl, email, password);
    } finally {
      contactsGrpc.close();
      authGrpc.close();
    }
    const created = expectStatus(
      await admin.post<{ token: { id: string }; secret: string }>('/admin/scim/tokens', {
        name: 'Identity provider',
      }),
      201,
    );
    secret = created.secret;
    tokenId = created.token.id;
  });

  describe('tokens', () => {
    it('lists tokens without their secrets, to administrators only', async () => {
      const { items } = expectStatus(await admin.get<{ items: Json[] }>('/admin/scim/tokens'), 200);

      expect(items).toContainEqual(
        expect.objectContaining({ id: tokenId, name: 'Identity provider' }),
      );
      expect(JSON.stringify(items)).not.toContain(secret);
    });

    it('refuses a member of the organisation with 403 and an invalid name with 400', async () => {
      const demoAdmin = await signInAdmin(stack().gatewayUrl);
      const password = `pw-${randomUUID()}`;
      const email = `scim.plain.${randomUUID().slice(0, 8)}@demo.confer.example`;
      expectStatus(await demoAdmin.post('/users', { email, displayName: 'Plain', password }), 201);
      const member = await ApiClient.login(stack().gatewayUrl, email, password);

      const refused = await member.post<{ error: { code: string } }>('/admin/scim/tokens', {
        name: 'x',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('auth.forbidden');
      const invalid = await admin.post<{ error: { code: string } }>('/admin/scim/tokens', {
        name: '',
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('request.invalid');
    });

    it('answers 401 with a SCIM error for an absent, unknown or revoked token', async () => {
      expectScimError(await scim('GET', '/Users', undefined, { authorization: '' }), 401);
      expectScimError(
        await scim('GET', '/Users', undefined, { authorization: 'Bearer confer_scim_nope' }),
        401,
      );
      const spare = expectStatus(
        await admin.post<{ token: { id: string }; secret: string }>('/admin/scim/tokens', {
          name: 'Spare',
        }),
        201,
      );
      const auth = { authorization: `Bearer ${spare.secret}` };
      expect((await scim('GET', '/ServiceProviderConfig', undefined, auth)).status).toBe(200);

      const revoked = expectStatus(
        await admin.delete<{ revokedAt?: string }>(`/admin/scim/tokens/${spare.token.id}`),
        200,
      );
      expect(revoked.revokedAt).toBeDefined();
      expectScimError(await scim('GET', '/Users', undefined, auth), 401);
    });
  });

  describe('discovery', () => {
    it('describes what is supported in the shape of the RFC configuration', async () => {
      const config = await scim('GET', '/ServiceProviderConfig');
      const example = fixture('rfc7643-8.5-service_provider_configuration');

      expect(config.status).toBe(200);
      expect(config.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(Object.keys(config.body).sort()).toEqual(
        Object.keys(example)
          .filter((key) => key !== 'documentationUri')
          .sort(),
      );
      expect(config.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: true },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
      });
    });

    it('lists the resource types and schemas, and serves each by id', async () => {
      const types = await scim('GET', '/ResourceTypes');
      expect(types.body.Resources.map((type) => type.id)).toEqual(['User', 'Group']);
      const schemas = await scim('GET', '/Schemas');
      expect(schemas.body.Resources.map((schema) => schema.id)).toContain(DEPARTMENT);
      expect((await scim('GET', `/Schemas/${USER}`)).body.attributes).toContainEqual(
        expect.objectContaining({ name: 'userName', required: true }),
      );
      expectScimError(await scim('GET', '/ResourceTypes/Printer'), 404);
    });
  });

  describe('the RFC examples', () => {
    let babs: Json;

    it('creates the enterprise user, ignoring its id, password and meta', async () => {
      const created = await scim('POST', '/Users', fixture('rfc7643-8.3-enterprise_user'));

      expect(created.status).toBe(201);
      babs = created.body;
      expect(babs.id).not.toBe('2819c223-7f76-453a-919d-413861904646');
      expect(created.headers.get('location')).toBe(
        `${stack().gatewayUrl}/scim/v2/Users/${babs.id}`,
      );
      expect(created.headers.get('etag')).toBe(babs.meta.version);
      expect(babs).not.toHaveProperty('password');
      expect(babs).toMatchObject({
        userName: 'bjensen@example.com',
        displayName: 'Babs Jensen',
        title: 'Tour Guide',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
          employeeNumber: '701984',
          department: 'Tour Operations',
        },
      });
    });

    it('answers the search example with the attributes it asks for', async () => {
      expect(
        (
          await scim('POST', '/Users', {
            schemas: [USER],
            userName: 'jsmith',
            displayName: 'Smith, J',
          })
        ).status,
      ).toBe(201);

      const found = await scim('POST', '/Users/.search', fixture('rfc7644-3.4.3-search_request'));

      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ schemas: [LIST], totalResults: 1, startIndex: 1 });
      expect(found.body.Resources).toEqual([
        { schemas: [USER], id: expect.any(String), userName: 'jsmith', displayName: 'Smith, J' },
      ]);
    });

    it('removes the work address of the enterprise user with the multi-valued remove example', async () => {
      const patched = await scim(
        'PATCH',
        `/Users/${babs.id}`,
        fixture('rfc7644-3.5.2.2-patch_op-remove_multi_complex_value'),
      );

      expect(patched.status).toBe(200);
      // The home address stays; the login address is now the userName, itself an address.
      expect(patched.body.emails).toEqual([
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ]);
    });

    it('adds the enterprise user to a group with the add-members example', async () => {
      const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Tour Guides' });
      expect(group.status).toBe(201);
      const add = fixture('rfc7644-3.5.2.1-patch_op-add_members') as {
        Operations: { value: { value: string }[] }[];
      };
      // The example names the RFC's own user id; ids are the service's, so it names ours.
      add.Operations[0].value[0].value = babs.id;

      const patched = await scim('PATCH', `/Groups/${group.body.id}`, add);

      expect(patched.status).toBe(200);
      expect(patched.body.members).toEqual([
        expect.objectContaining({ value: babs.id, display: 'Babs Jensen' }),
      ]);
    });

    it('creates the user of the POST example, once the same person created above is deleted', async () => {
      const example = fixture('rfc7644-3.3-user-post_request');
      // Both RFC examples are Barbara Jensen: bjensen@example.com is already hers.
      expectScimError(await scim('POST', '/Users', example), 409, 'uniqueness');
      expect((await scim('DELETE', `/Users/${babs.id}`)).status).toBe(204);

      const created = await scim('POST', '/Users', example);

      expect(created.status).toBe(201);
      // The address names the person SCIM deleted: the same person comes back, with the same id.
      expect(created.body.id).toBe(babs.id);
      expect(created.body).toMatchObject({
        userName: 'bjensen',
        externalId: 'bjensen',
        displayName: 'Ms. Barbara J Jensen III',
        emails: [{ value: `bjensen@${DOMAIN}`, primary: true }],
      });
    });
  });

  describe('a user through its life cycle', () => {
    it('creates, reads, filters, patches, replaces, refuses a stale ETag and deletes', async () => {
      const userName = `ann.lee.${randomUUID().slice(0, 6)}@${DOMAIN}`;
      const created = await scim('POST', '/Users', {
        schemas: [USER],
        userName,
        externalId: `hr-${userName}`,
        name: { givenName: 'Ann', familyName: 'Lee' },
        phoneNumbers: [{ value: '+86 10 1234 5678', type: 'work' }],
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;

      const read = await scim('GET', `/Users/${id}`);
      expect(read.body).toEqual(created.body);
      expect(read.headers.get('etag')).toBe(created.body.meta.version);

      const filtered = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`,
      );
      expect(filtered.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });

      const patched = await scim(
        'PATCH',
        `/Users/${id}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Guide' }] },
        { 'if-match': created.body.meta.version },
      );
      expect(patched.status).toBe(200);
      expect(patched.body.title).toBe('Guide');
      expect(patched.body.meta.version).not.toBe(created.body.meta.version);

      const replaced = await scim(
        'PUT',
        `/Users/${id}`,
        { schemas: [USER], userName, displayName: 'Ann Lee-Wong', active: true },
        { 'if-match': patched.body.meta.version },
      );
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ displayName: 'Ann Lee-Wong' });
      expect(replaced.body).not.toHaveProperty('title');

      const stale = await scim(
        'PUT',
        `/Users/${id}`,
        { schemas: [USER], userName, displayName: 'Lost update' },
        { 'if-match': patched.body.meta.version },
      );
      expectScimError(stale, 412);
      expect(await current(`/Users/${id}`)).toEqual(replaced.body);
      expectScimError(
        await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': created.body.meta.version }),
        412,
      );

      const deleted = await scim('DELETE', `/Users/${id}`, undefined, {
        'if-match': replaced.body.meta.version,
      });
      expect(deleted.status).toBe(204);
      expectScimError(await scim('GET', `/Users/${id}`), 404);
    });

    it('disables a person with active false, who can then no longer sign in', async () => {
      const userName = `leaver.${randomUUID().slice(0, 6)}@${DOMAIN}`;
      const created = await scim('POST', '/Users', { schemas: [USER], userName });
      const password = `pw-${randomUUID()}`;
      const authGrpc = ClientProxyFactory.create(
        grpcClientOptions('auth', stack().apps['auth-2fa'].grpcUrl!),
      ) as unknown as ClientGrpc & { close(): void };
      try {
        const issuer = serviceClient<auth.AuthServiceClient>(authGrpc, 'auth');
        await issuer.setPassword(systemCaller(orgId, randomUUID()), {
          userId: created.body.id,
          password,
        });
      } finally {
        authGrpc.close();
      }
      await ApiClient.login(stack().gatewayUrl, userName, password);

      const disabled = await scim('PATCH', `/Users/${created.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false } }],
      });

      expect(disabled.body.active).toBe(false);
      const login = await new ApiClient(stack().gatewayUrl).post('/auth/login', {
        email: userName,
        password,
        deviceName: 'e2e',
      });
      expect(login.status).toBe(401);
    });
  });

  describe('groups and the directory', () => {
    it('pushes a department tree whose people the directory and people search show', async () => {
      const person = await scim('POST', '/Users', {
        schemas: [USER],
        userName: `zhao.lei.${randomUUID().slice(0, 6)}@${DOMAIN}`,
        displayName: '赵磊',
      });
      const root = await scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: '研发中心',
        externalId: `ou-${randomUUID()}`,
      });
      const child = await scim('POST', '/Groups', {
        schemas: [GROUP, DEPARTMENT],
        displayName: '平台组',
        members: [{ value: person.body.id }],
        [DEPARTMENT]: { parent: root.body.id },
      });
      expect([person.status, root.status, child.status]).toEqual([201, 201, 201]);

      const detail = expectStatus(
        await admin.get<{ ancestors: { name: string }[] }>(
          `/contacts/departments/${child.body.id}`,
        ),
        200,
      );
      expect(detail.ancestors.map((department) => department.name)).toEqual(['研发中心']);
      const members = expectStatus(
        await admin.get<{ items: { id: string }[] }>(
          `/contacts/departments/${child.body.id}/members`,
        ),
        200,
      );
      expect(members.items.map((member) => member.id)).toEqual([person.body.id]);
      const search = expectStatus(
        await admin.get<{ items: { id: string }[] }>(
          `/contacts/search?q=${encodeURIComponent('zhaolei')}`,
        ),
        200,
      );
      expect(search.items.map((hit) => hit.id)).toContain(person.body.id);

      const removed = await scim('PATCH', `/Groups/${child.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `members[value eq "${person.body.id}"]` }],
      });
      expect(removed.body.members).toEqual([]);
      const emptied = expectStatus(
        await admin.get<{ items: unknown[] }>(`/contacts/departments/${child.body.id}/members`),
        200,
      );
      expect(emptied.items).toEqual([]);
      expectScimError(await scim('DELETE', `/Groups/${root.body.id}`), 409);
      expect((await scim('DELETE', `/Groups/${child.body.id}`)).status).toBe(204);
    });
  });

  describe('refusals change nothing', () => {
    let user: Json;

    beforeAll(async () => {
      const created = await scim('POST', '/Users', {
        schemas: [USER],
        userName: `fixed.${randomUUID().slice(0, 6)}@${DOMAIN}`,
        externalId: `fixed-${randomUUID()}`,
      });
      user = created.body;
    });

    it.each([
      ['an invalid filter', 'GET', '/Users?filter=userName%20eq', undefined, 400, 'invalidFilter'],
      ['a body that is not JSON', 'POST', '/Users', '{"schemas": [', 400, 'invalidSyntax'],
      ['a user without a userName', 'POST', '/Users', { schemas: [USER] }, 400, 'invalidValue'],
      [
        'an address outside the domain',
        'POST',
        '/Users',
        { schemas: [USER], userName: 'eve@elsewhere.example' },
        400,
        'invalidValue',
      ],
      [
        'a body over the size limit',
        'POST',
        '/Users',
        { schemas: [USER], userName: 'big', displayName: 'x'.repeat(300_000) },
        413,
        undefined,
      ],
      ['an unknown id', 'GET', `/Users/${randomUUID()}`, undefined, 404, undefined],
      ['an id that is no id', 'DELETE', '/Users/not-an-id', undefined, 404, undefined],
    ])('answers %s with its SCIM error', async (_case, method, path, body, status, scimType) => {
      const before = await current(`/Users/${user.id}`);
      const total = (await scim('GET', '/Users?count=0')).body.totalResults;

      expectScimError(await scim(method, path, body), status, scimType);
      expect(await current(`/Users/${user.id}`)).toEqual(before);
      expect((await scim('GET', '/Users?count=0')).body.totalResults).toBe(total);
    });

    it('answers a duplicate userName or externalId with 409 uniqueness', async () => {
      const total = (await scim('GET', '/Users?count=0')).body.totalResults;

      expectScimError(
        await scim('POST', '/Users', { schemas: [USER], userName: user.userName.toUpperCase() }),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim('POST', '/Users', {
          schemas: [USER],
          userName: `other.${randomUUID().slice(0, 6)}`,
          externalId: user.externalId,
        }),
        409,
        'uniqueness',
      );
      expect((await scim('GET', '/Users?count=0')).body.totalResults).toBe(total);
    });

    it.each([
      ['a change of id', { op: 'replace', path: 'id', value: randomUUID() }, 'mutability'],
      ['a change of groups', { op: 'add', path: 'groups', value: [{ value: 'x' }] }, 'mutability'],
      [
        'a filter that matches nothing',
        { op: 'remove', path: 'emails[type eq "fax"]' },
        'noTarget',
      ],
      ['a bad path', { op: 'replace', path: 'emails[type eq', value: 'x' }, 'invalidPath'],
      ['an unknown op', { op: 'copy', path: 'title', value: 'x' }, 'invalidSyntax'],
    ])('refuses a PATCH with %s', async (_case, operation, scimType) => {
      const before = await current(`/Users/${user.id}`);

      expectScimError(
        await scim('PATCH', `/Users/${user.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'title', value: 'Changed first' }, operation],
        }),
        400,
        scimType,
      );
      expect(await current(`/Users/${user.id}`)).toEqual(before);
    });
  });
});
