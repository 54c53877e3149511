import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';

import { Caller } from '@confer/grpc';
import { conferFailure } from '@confer/testing';

import { ContactCardsService } from '../src/contact-cards/contact-cards.service';
import { useContacts } from './contacts-harness';
import { RunningContacts } from './start-contacts';

jest.setTimeout(60_000);

describe(ContactCardsService.name, () => {
  const h = useContacts('contacts_lists_it');
  let app: RunningContacts;
  let db: PgClient;
  let orgId: string;
  let system: Caller;
  let me: Caller;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    ({ app, db } = h);
    const organisation = await h.organisation('Lists Ltd', 'lists.example', 'it-lists');
    orgId = organisation.id;
    system = organisation.system;
    for (const name of ['me', 'ann', 'bob', 'cy', 'dee']) {
      people[name] = await organisation.person(name, [], name.toUpperCase());
    }
    me = { userId: people.me, orgId, roles: [], correlationId: 'it-me' };
  });

  async function count(table: string): Promise<number> {
    return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }

  describe('following', () => {
    it('follows, pages newest first by cursor, and unfollows', async () => {
      for (const name of ['ann', 'bob', 'cy']) {
        await app.client.follow(me, { personId: people[name] });
      }
      const again = await app.client.follow(me, { personId: people.ann });

      const first = await app.client.listFollowing(me, { limit: 2, cursor: '' });
      const second = await app.client.listFollowing(me, { limit: 2, cursor: first.nextCursor });

      expect(again.person?.id).toBe(people.ann);
      expect([...first.items, ...second.items].map((item) => item.person?.displayName)).toEqual([
        'CY',
        'BOB',
        'ANN',
      ]);
      expect(second.nextCursor).toBe('');
      await app.client.unfollow(me, { personId: people.bob });
      await app.client.unfollow(me, { personId: people.bob });
      const after = await app.client.listFollowing(me, { limit: 10, cursor: '' });
      expect(after.items.map((item) => item.person?.id)).toEqual([people.cy, people.ann]);
    });

    it('refuses oneself, unknown people, people of other organisations and bad cursors', async () => {
      const before = await count('follows');
      const outsider: Caller = { ...me, userId: randomUUID(), orgId: randomUUID() };

      const codes = await Promise.all([
        conferFailure(app.client.follow(me, { personId: people.me })),
        conferFailure(app.client.follow(me, { personId: randomUUID() })),
        conferFailure(app.client.follow(me, { personId: 'nobody' })),
        conferFailure(app.client.follow(outsider, { personId: people.ann })),
        conferFailure(app.client.listFollowing(me, { limit: 1, cursor: 'garbage' })),
      ]);

      expect(codes.map((error) => error.code)).toEqual([
        'follow.self',
        'person.not_found',
        'person.not_found',
        'person.not_found',
        'request.cursor_invalid',
      ]);
      expect(await count('follows')).toBe(before);
    });
  });

  describe('blacklist', () => {
    it('blocks and unblocks, publishing one block.changed per change with growing versions', async () => {
      await app.client.block(me, { personId: people.dee });
      await app.client.block(me, { personId: people.dee });
      const listed = await app.client.listBlocked(me, { limit: 10, cursor: '' });
      await app.client.unblock(me, { personId: people.dee });
      await app.client.unblock(me, { personId: people.dee });

      expect(listed.items.map((item) => item.person?.id)).toEqual([people.dee]);
      expect((await app.client.listBlocked(me, { limit: 10, cursor: '' })).items).toEqual([]);
      const changes = await h.published('block.changed');
      expect(changes.map((change) => change.blocked)).toEqual([true, false]);
      expect(changes[0]).toMatchObject({ orgId, blockerId: people.me, blockedId: people.dee });
      expect(Number(changes[1].version)).toBeGreaterThan(Number(changes[0].version));
    });

    it('refuses blocking oneself or an unknown person and publishes nothing', async () => {
      const before = (await h.published('block.changed')).length;

      const codes = await Promise.all([
        conferFailure(app.client.block(me, { personId: people.me })),
        conferFailure(app.client.block(me, { personId: randomUUID() })),
        conferFailure(app.client.unblock(me, { personId: randomUUID() })),
      ]);

      expect(codes.map((error) => [error.code, error.httpStatus])).toEqual([
        ['block.self', 400],
        ['person.not_found', 404],
        ['person.not_found', 404],
      ]);
      expect(await count('blocks')).toBe(0);
      expect(await h.published('block.changed')).toHaveLength(before);
    });
  });

  describe('personal contacts', () => {
    it('keeps an outside address that becomes the directory person once they join', async () => {
      const outside = await app.client.addPersonalContact(me, {
        email: 'Eve@Partner.Example',
        displayName: 'Eve from Partner',
        note: 'Met at the fair',
      });
      expect(outside).toMatchObject({
        email: 'eve@partner.example',
        hasPerson: false,
        note: 'Met at the fair',
      });

      // The address joins the directory (here by the platform; sign-up or sync alike).
      const eve = await app.client.createUser(system, {
        orgId,
        email: 'eve@partner.example',
        displayName: 'Eve',
        roles: [],
      });

      const page = await app.client.listPersonalContacts(me, { limit: 10, cursor: '' });
      expect(page.items).toEqual([
        expect.objectContaining({
          id: outside.id,
          hasPerson: true,
          person: expect.objectContaining({ id: eve.id }),
        }),
      ]);
      const card = await app.client.getContactCard(me, { personId: eve.id });
      expect(card).toMatchObject({
        personalContactId: outside.id,
        personalNote: 'Met at the fair',
      });
    });

    it('links an inside address at once, edits the note and deletes the entry', async () => {
      const entry = await app.client.addPersonalContact(me, {
        email: 'bob@lists.example',
        displayName: '',
        note: '',
      });
      expect(entry.person?.id).toBe(people.bob);

      const edited = await app.client.updatePersonalContact(me, {
        id: entry.id,
        note: 'Desk by the window',
      });
      await app.client.deletePersonalContact(me, { id: entry.id });

      expect(edited).toMatchObject({ note: 'Desk by the window', displayName: '' });
      expect(
        (await conferFailure(app.client.deletePersonalContact(me, { id: entry.id }))).code,
      ).toBe('personal_contact.not_found');
    });

    it("refuses bad input and another person's entries, changing nothing", async () => {
      const entry = await app.client.addPersonalContact(me, {
        email: 'kept@elsewhere.example',
        displayName: '',
        note: 'kept',
      });
      const ann: Caller = { ...me, userId: people.ann };
      const before = await db.query('SELECT * FROM personal_contacts ORDER BY id');

      const codes = await Promise.all([
        conferFailure(
          app.client.addPersonalContact(me, { email: 'no at sign', displayName: '', note: '' }),
        ),
        conferFailure(
          app.client.addPersonalContact(me, {
            email: 'KEPT@elsewhere.example',
            displayName: '',
            note: '',
          }),
        ),
        conferFailure(
          app.client.addPersonalContact(me, {
            email: 'x@y.example',
            displayName: '',
            note: 'a'.repeat(2001),
          }),
        ),
        conferFailure(
          app.client.updatePersonalContact(me, { id: entry.id, note: 'bad\u0000note' }),
        ),
        conferFailure(app.client.updatePersonalContact(ann, { id: entry.id, note: 'mine now' })),
        conferFailure(app.client.deletePersonalContact(ann, { id: entry.id })),
      ]);

      expect(codes.map((error) => error.code)).toEqual([
        'personal_contact.invalid',
        'personal_contact.exists',
        'personal_contact.invalid',
        'personal_contact.invalid',
        'personal_contact.not_found',
        'personal_contact.not_found',
      ]);
      expect((await db.query('SELECT * FROM personal_contacts ORDER BY id')).rows).toEqual(
        before.rows,
      );
    });
  });

  describe('contact card', () => {
    it("shows the person's fields, departments with titles and the viewer's relation", async () => {
      const department = randomUUID();
      await db.query(
        `INSERT INTO departments (id, org_id, parent_id, name, source_id, source_dn, path, depth)
         VALUES ($1, $2, NULL, 'Sales', 'sales', 'ou=sales', ARRAY[$1]::uuid[], 0)`,
        [department, orgId],
      );
      await db.query(
        `UPDATE users SET surname = 'Chen', given_name = 'Ann', mobile = '+86 138 0000 0000',
           secondary_emails = '{ann.chen@lists.example}' WHERE id = $1`,
        [people.ann],
      );
      await db.query(
        "INSERT INTO user_departments (user_id, department_id, title) VALUES ($1, $2, 'Lead')",
        [people.ann, department],
      );

      const card = await app.client.getContactCard(me, { personId: people.ann });

      expect(card).toMatchObject({
        id: people.ann,
        displayName: 'ANN',
        surname: 'Chen',
        givenName: 'Ann',
        mobile: '+86 138 0000 0000',
        status: 'active',
        emails: [
          { address: 'ann@lists.example', primary: true },
          { address: 'ann.chen@lists.example', primary: false },
        ],
        departments: [{ departmentId: department, name: 'Sales', title: 'Lead' }],
        followed: true,
        blocked: false,
        personalContactId: '',
      });
    });

    it('still answers for a disabled person, and 404 for unknown or foreign ids', async () => {
      await db.query("UPDATE users SET status = 'disabled' WHERE id = $1", [people.cy]);
      const outsider: Caller = { ...me, orgId: randomUUID() };

      const card = await app.client.getContactCard(me, { personId: people.cy });
      const refusals = await Promise.all([
        conferFailure(app.client.getContactCard(me, { personId: randomUUID() })),
        conferFailure(app.client.getContactCard(outsider, { personId: people.cy })),
      ]);

      expect(card.status).toBe('disabled');
      expect(refusals.map((error) => [error.code, error.httpStatus])).toEqual([
        ['person.not_found', 404],
        ['person.not_found', 404],
      ]);
    });
  });

  describe('times and paging', () => {
    const MILLIS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

    it.each([
      ['following', 'follows', 'follower_id', 'followee_id'],
      ['the blacklist', 'blocks', 'blocker_id', 'blocked_id'],
    ])(
      'answers %s with millisecond times and pages entries of one millisecond without gaps or repeats',
      async (_name, table, owner, other) => {
        const viewer = await h.organisation(`Paging ${table}`, `${table}.example`, `it-${table}`);
        const caller: Caller = {
          userId: await viewer.person('viewer'),
          orgId: viewer.id,
          roles: [],
          correlationId: `it-${table}`,
        };
        const listed = [];
        for (const name of ['p1', 'p2', 'p3', 'p4']) {
          listed.push(await viewer.person(name));
        }
        const added =
          table === 'follows'
            ? await app.client.follow(caller, { personId: listed[0] })
            : await app.client.block(caller, { personId: listed[0] });
        // Four entries within one millisecond, apart by microseconds only.
        const times = ['.133398', '.133100', '.133900', '.133001'];
        await db.query(`DELETE FROM ${table} WHERE ${owner} = $1`, [caller.userId]);
        for (const [index, personId] of listed.entries()) {
          await db.query(
            `INSERT INTO ${table} (${owner}, ${other}, created_at) VALUES ($1, $2, $3)`,
            [caller.userId, personId, `2025-03-04T05:06:47${times[index]}Z`],
          );
        }
        const list = (cursor: string) =>
          table === 'follows'
            ? app.client.listFollowing(caller, { limit: 1, cursor })
            : app.client.listBlocked(caller, { limit: 1, cursor });

        const pages = [await list('')];
        while (pages[pages.length - 1].nextCursor && pages.length < 10) {
          pages.push(await list(pages[pages.length - 1].nextCursor));
        }
        const items = pages.flatMap((page) => page.items);

        expect(added.since).toMatch(MILLIS_ISO);
        expect(items.map((item) => item.person?.id)).toEqual([
          listed[2],
          listed[0],
          listed[1],
          listed[3],
        ]);
        expect(new Set(items.map((item) => item.since))).toEqual(
          new Set(['2025-03-04T05:06:47.133Z']),
        );
      },
    );
  });
});
