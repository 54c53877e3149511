import { randomUUID } from 'node:crypto';

import { status as GrpcStatus } from '@grpc/grpc-js';
import { JetStreamManager, NatsConnection } from 'nats';

import { ConferError } from '@confer/errors';
import { serviceStream } from '@confer/events';
import { Caller, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import { conferFailure } from '@confer/testing';

import { UsersService } from '../src/users/users.service';
import { useContacts } from './contacts-harness';
import { RunningContacts } from './start-contacts';

/** The gRPC status a failed call carried, beside its ConferError code. */
function grpcStatusOf(error: ConferError): number | undefined {
  return (error.cause as { code?: number } | undefined)?.code;
}

jest.setTimeout(60_000);

describe(UsersService.name, () => {
  const h = useContacts('contacts_it');
  let contactsApp: RunningContacts;
  const system = systemCaller(randomUUID(), 'it-correlation');
  let orgId: string;
  let admin: Caller;
  let member: Caller;

  beforeAll(async () => {
    contactsApp = h.app;
    const organisation = await contactsApp.client.createOrganisation(system, {
      name: 'Example Ltd',
      domain: 'Example.COM',
      id: '',
    });
    orgId = organisation.id;
    admin = { userId: randomUUID(), orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    member = { userId: randomUUID(), orgId, roles: [], correlationId: 'it-member' };
  });

  describe('organisations', () => {
    it('stores the domain case-folded', async () => {
      const organisation = await contactsApp.client.getOrganisation(system, { orgId });

      expect(organisation).toMatchObject({ id: orgId, name: 'Example Ltd', domain: 'example.com' });
      expect(Date.parse(organisation.createdAt)).not.toBeNaN();
    });

    it('refuses creation by anyone but the platform', async () => {
      const error = await conferFailure(
        contactsApp.client.createOrganisation(admin, { name: 'X', domain: 'x.example', id: '' }),
      );

      expect(error.code).toBe('organisation.forbidden');
      expect(grpcStatusOf(error)).toBe(GrpcStatus.PERMISSION_DENIED);
    });

    it('refuses a domain another organisation has, whatever its case', async () => {
      const error = await conferFailure(
        contactsApp.client.createOrganisation(system, { name: 'Y', domain: 'EXAMPLE.com', id: '' }),
      );

      expect(error.code).toBe('organisation.domain_taken');
      expect(grpcStatusOf(error)).toBe(GrpcStatus.ALREADY_EXISTS);
    });

    it('returns the existing organisation when seeding repeats a fixed id', async () => {
      const id = randomUUID();
      const first = await contactsApp.client.createOrganisation(system, {
        name: 'Seed',
        domain: 'seed.example',
        id,
      });
      const again = await contactsApp.client.createOrganisation(system, {
        name: 'Seed',
        domain: 'seed.example',
        id,
      });

      expect(again).toEqual(first);
    });

    it('shows an organisation to its members and hides it from others', async () => {
      const outsider: Caller = { ...member, orgId: randomUUID() };

      await expect(contactsApp.client.getOrganisation(member, { orgId })).resolves.toMatchObject({
        id: orgId,
      });
      expect(
        (await conferFailure(contactsApp.client.getOrganisation(outsider, { orgId }))).code,
      ).toBe('organisation.not_found');
    });
  });

  describe('CreateUser', () => {
    it('lets an organisation administrator add a user with a case-folded address', async () => {
      const user = await contactsApp.client.createUser(admin, {
        orgId,
        email: 'Zhang.San@EXAMPLE.com',
        displayName: 'Zhang San',
        roles: [],
      });

      expect(user).toMatchObject({
        orgId,
        email: 'zhang.san@example.com',
        displayName: 'Zhang San',
        status: contacts.UserStatus.USER_STATUS_ACTIVE,
        roles: [],
      });
    });

    it('refuses a member without the administrator role', async () => {
      const error = await conferFailure(
        contactsApp.client.createUser(member, {
          orgId,
          email: 'new@example.com',
          displayName: 'New',
          roles: [],
        }),
      );

      expect(error.code).toBe('user.forbidden');
    });

    it('refuses an administrator of another organisation', async () => {
      const foreignAdmin: Caller = { ...admin, orgId: randomUUID() };
      const error = await conferFailure(
        contactsApp.client.createUser(foreignAdmin, {
          orgId,
          email: 'other@example.com',
          displayName: 'Other',
          roles: [],
        }),
      );

      expect(error.code).toBe('user.forbidden');
    });

    it("keeps an administrator to the organisation's own domain; the platform is not", async () => {
      const request = { orgId, email: 'guest@partner.example', displayName: 'Guest', roles: [] };
      const error = await conferFailure(contactsApp.client.createUser(admin, request));

      expect(error.code).toBe('user.email_outside_domain');
      await expect(contactsApp.client.createUser(system, request)).resolves.toMatchObject({
        email: 'guest@partner.example',
      });
    });

    it('answers ALREADY_EXISTS for an address taken in another case', async () => {
      const request = { orgId, email: 'dup@example.com', displayName: 'Dup', roles: [] };
      await contactsApp.client.createUser(admin, request);
      const error = await conferFailure(
        contactsApp.client.createUser(admin, { ...request, email: 'DUP@Example.Com' }),
      );

      expect(error.code).toBe('user.email_taken');
      expect(grpcStatusOf(error)).toBe(GrpcStatus.ALREADY_EXISTS);
    });

    it('refuses an invalid address and the system role', async () => {
      const bad = await conferFailure(
        contactsApp.client.createUser(admin, { orgId, email: 'x', displayName: 'X', roles: [] }),
      );
      const system_role = await conferFailure(
        contactsApp.client.createUser(system, {
          orgId,
          email: 'sys@example.com',
          displayName: 'Sys',
          roles: ['system'],
        }),
      );

      expect(bad).toMatchObject({ code: 'user.invalid', details: { field: 'email' } });
      expect(grpcStatusOf(bad)).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(system_role).toMatchObject({ code: 'user.invalid', details: { field: 'roles' } });
    });
  });

  describe('GetUsers and FindUserByEmail', () => {
    let userId: string;

    beforeAll(async () => {
      userId = (
        await contactsApp.client.createUser(admin, {
          orgId,
          email: 'lookup@example.com',
          displayName: 'Look Up',
          roles: ['org_admin'],
        })
      ).id;
    });

    it('returns known users to any caller and leaves unknown ids out', async () => {
      const outsider: Caller = { ...member, orgId: randomUUID() };
      const list = await contactsApp.client.getUsers(outsider, {
        userIds: [randomUUID(), userId, 'not-a-uuid'],
      });

      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({
        id: userId,
        status: contacts.UserStatus.USER_STATUS_ACTIVE,
        roles: ['org_admin'],
      });
    });

    it('refuses more than 1,000 ids', async () => {
      const userIds = Array.from({ length: 1_001 }, () => randomUUID());
      const error = await conferFailure(contactsApp.client.getUsers(member, { userIds }));

      expect(error.code).toBe('user.too_many_ids');
    });

    it('finds a user by address in any case, for the platform only', async () => {
      await expect(
        contactsApp.client.findUserByEmail(system, { email: ' LookUp@EXAMPLE.COM ' }),
      ).resolves.toMatchObject({ id: userId });
      expect(
        (
          await conferFailure(
            contactsApp.client.findUserByEmail(admin, { email: 'lookup@example.com' }),
          )
        ).code,
      ).toBe('user.forbidden');
    });

    it('answers NOT_FOUND for an unknown address', async () => {
      const error = await conferFailure(
        contactsApp.client.findUserByEmail(system, { email: 'nobody@example.com' }),
      );

      expect(error.code).toBe('user.not_found');
      expect(grpcStatusOf(error)).toBe(GrpcStatus.NOT_FOUND);
    });
  });

  describe('ListUsers', () => {
    let pagedOrg: string;
    let pagedMember: Caller;

    beforeAll(async () => {
      pagedOrg = (
        await contactsApp.client.createOrganisation(system, {
          name: 'Paged',
          domain: 'paged.example',
          id: '',
        })
      ).id;
      pagedMember = { userId: randomUUID(), orgId: pagedOrg, roles: [], correlationId: 'it-paged' };
      for (const name of ['Eve', 'alice', 'Bob', 'Dan', 'Carol']) {
        await contactsApp.client.createUser(system, {
          orgId: pagedOrg,
          email: `${name.toLowerCase()}@paged.example`,
          displayName: name,
          roles: [],
        });
      }
    });

    it('pages through the organisation by display name, each user once', async () => {
      const seen: string[] = [];
      let cursor = '';
      let pages = 0;
      do {
        const page = await contactsApp.client.listUsers(pagedMember, {
          orgId: pagedOrg,
          limit: 2,
          cursor,
        });
        seen.push(...page.items.map((user) => user.displayName));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);

      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(5);
      expect(seen.map((name) => name.toLowerCase())).toEqual([
        'alice',
        'bob',
        'carol',
        'dan',
        'eve',
      ]);
    });

    it("defaults to the caller's organisation", async () => {
      const page = await contactsApp.client.listUsers(pagedMember, {
        orgId: '',
        limit: 0,
        cursor: '',
      });

      expect(page.items).toHaveLength(5);
      expect(page.nextCursor).toBe('');
    });

    it('hides another organisation', async () => {
      const error = await conferFailure(
        contactsApp.client.listUsers(member, { orgId: pagedOrg, limit: 10, cursor: '' }),
      );

      expect(error.code).toBe('organisation.not_found');
    });

    it('refuses a tampered cursor', async () => {
      const cursor = Buffer.from(JSON.stringify({ name: 'a', id: "x' OR 1=1" })).toString(
        'base64url',
      );
      const error = await conferFailure(
        contactsApp.client.listUsers(pagedMember, { orgId: pagedOrg, limit: 2, cursor }),
      );

      expect(error.code).toBe('request.cursor_invalid');
    });
  });

  describe('user.created events', () => {
    it('reach JetStream exactly once per user', async () => {
      const user = await contactsApp.client.createUser(admin, {
        orgId,
        email: 'event@example.com',
        displayName: 'Event',
        roles: [],
      });
      // A refused duplicate must not publish anything.
      await conferFailure(
        contactsApp.client.createUser(admin, {
          orgId,
          email: 'EVENT@example.com',
          displayName: 'Event again',
          roles: [],
        }),
      );

      const payloads = await eventsFor(h.jsm, h.nats, h.prefix, user.id);

      expect(payloads).toHaveLength(1);
      expect(payloads[0]).toMatchObject({
        orgId,
        userId: user.id,
        email: 'event@example.com',
      });
      expect(typeof payloads[0].eventId).toBe('string');
    });
  });
});

/**
 * Every user.created payload in the stream for one user, read once the relay
 * has had time to publish (and would have had time to publish twice).
 */
async function eventsFor(
  jsm: JetStreamManager,
  nats: NatsConnection,
  prefix: string,
  userId: string,
): Promise<Record<string, unknown>[]> {
  const stream = serviceStream(prefix, 'contacts').name;
  const subject = `${prefix}.contacts.user.created`;
  const deadline = Date.now() + 10_000;
  let found: Record<string, unknown>[] = [];
  while (Date.now() < deadline) {
    const consumer = await nats.jetstream().consumers.get(stream);
    const info = await jsm.streams.info(stream);
    const batch = await consumer.fetch({ max_messages: info.state.messages + 1, expires: 1_000 });
    const payloads: Record<string, unknown>[] = [];
    // Filtered here rather than by the consumer: filter_subjects needs NATS 2.10.
    for await (const message of batch) {
      if (message.subject === subject) {
        payloads.push(message.json<Record<string, unknown>>());
      }
    }
    found = payloads.filter((payload) => payload.userId === userId);
    if (found.length > 0) {
      // Give a second publish the chance to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const again = await jsm.streams.info(stream);
      if (again.state.messages === info.state.messages) {
        return found;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return found;
}
