import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';

import { Caller, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import { conferFailure } from '@confer/testing';

import { BlocksService } from '../src/blocks/blocks.service';
import { useContacts } from './contacts-harness';
import { RunningContacts } from './start-contacts';

const { GroupCreationPolicy: Policy } = contacts;

jest.setTimeout(60_000);

/** A cursor as the lists write them (base64url JSON), holding whatever a client forged. */
function forgedCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

describe(`${BlocksService.name} and settings under hostile use`, () => {
  const h = useContacts('contacts_hostile_it');
  const { published } = h;
  let app: RunningContacts;
  let db: PgClient;
  let orgId: string;
  let me: Caller;
  let admin: Caller;
  let colleague: string;
  let outsider: string;
  let outsiderCaller: Caller;

  beforeAll(async () => {
    ({ app, db } = h);
    const organisation = (domain: string) => h.organisation(domain, domain, 'it-hostile');
    const home = await organisation('home.example');
    const other = await organisation('other.example');
    orgId = home.id;
    const meId = await home.person('me');
    colleague = await home.person('colleague');
    const adminId = await home.person('boss', ['org_admin']);
    outsider = await other.person('spammer');
    me = { userId: meId, orgId, roles: [], correlationId: 'it-me' };
    admin = { userId: adminId, orgId, roles: ['org_admin'], correlationId: 'it-admin' };
    outsiderCaller = { userId: outsider, orgId: other.id, roles: [], correlationId: 'it-out' };
  });

  async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await db.query(sql, params)).rows as Record<string, unknown>[];
  }

  describe('blacklist across organisations', () => {
    it('blocks and unblocks a person of another organisation, who can write to the caller', async () => {
      const listed = await app.client.block(me, { personId: outsider.toUpperCase() });
      const page = await app.client.listBlocked(me, { limit: 10, cursor: '' });
      await app.client.unblock(me, { personId: outsider });

      expect(listed.person).toMatchObject({ id: outsider, displayName: 'spammer' });
      expect(page.items.map((item) => item.person?.id)).toEqual([outsider]);
      expect(await rows('SELECT * FROM blocks')).toEqual([]);
      const changes = await published('block.changed');
      expect(changes.map((change) => [change.blockerId, change.blockedId, change.blocked])).toEqual(
        [
          [me.userId, outsider, true],
          [me.userId, outsider, false],
        ],
      );
    });

    it('still shows no card of another organisation and follows nobody there', async () => {
      const refusals = await Promise.all([
        conferFailure(app.client.getContactCard(outsiderCaller, { personId: me.userId })),
        conferFailure(app.client.follow(outsiderCaller, { personId: me.userId })),
        conferFailure(app.client.getContactCard(me, { personId: outsider })),
      ]);

      expect(refusals.map((error) => error.code)).toEqual([
        'person.not_found',
        'person.not_found',
        'person.not_found',
      ]);
      expect(await rows('SELECT * FROM follows')).toEqual([]);
    });
  });

  describe('forged list cursors', () => {
    it.each([
      ['an impossible date', '2026-02-30T00:00:00.000000Z'],
      ['the year zero', '0000-01-01T00:00:00.000000Z'],
      ['a zone PostgreSQL refuses', '2026-01-01T00:00:00.000000-23:59'],
    ])('refuses %s with request.cursor_invalid', async (_name, since) => {
      const cursor = forgedCursor({ since, id: colleague });

      const refusals = await Promise.all([
        conferFailure(app.client.listBlocked(me, { limit: 1, cursor })),
        conferFailure(app.client.listFollowing(me, { limit: 1, cursor })),
      ]);

      expect(refusals.map((error) => [error.code, error.httpStatus])).toEqual([
        ['request.cursor_invalid', 400],
        ['request.cursor_invalid', 400],
      ]);
    });

    it('pages people followed in the same instant without a gap or a repeat', async () => {
      const followed = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          app.client
            .createUser(systemCaller(orgId, 'it-hostile'), {
              orgId,
              email: `same-${index}@home.example`,
              displayName: `same ${index}`,
              roles: [],
            })
            .then((user) => user.id),
        ),
      );
      await db.query(
        `INSERT INTO follows (follower_id, followee_id, created_at)
         SELECT $1, unnest($2::uuid[]), '2026-01-01T00:00:00.123456Z'`,
        [me.userId, followed],
      );

      const seen: string[] = [];
      let cursor = '';
      do {
        const page = await app.client.listFollowing(me, { limit: 2, cursor });
        seen.push(...page.items.map((item) => item.person!.id));
        cursor = page.nextCursor;
      } while (cursor);

      expect(seen).toEqual([...followed].sort().reverse());
    });
  });

  describe('organisation settings', () => {
    it('changes one setting while the group policy names a department the directory removed', async () => {
      const removed = randomUUID();
      await db.query(
        `INSERT INTO departments (id, org_id, parent_id, name, source_id, source_dn, path, depth)
         VALUES ($1, $2, NULL, 'Gone soon', 'g', 'ou=g', ARRAY[$1]::uuid[], 0)`,
        [removed, orgId],
      );
      await app.client.updateOrgSettings(admin, {
        orgId,
        groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
        groupCreationDepartmentIds: [removed],
      });
      await db.query('DELETE FROM departments WHERE id = $1', [removed]);

      const updated = await app.client.updateOrgSettings(admin, {
        orgId,
        twoFactorRequired: true,
        groupCreationPolicy: Policy.GROUP_CREATION_POLICY_UNSPECIFIED,
        groupCreationDepartmentIds: [],
      });

      expect(updated).toMatchObject({
        twoFactorRequired: true,
        groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
      });
      const lines = await published('audit.recorded');
      expect(JSON.parse(lines.at(-1)!.detailsJson as string)).toEqual({
        keys: ['twoFactorRequired'],
        changes: { twoFactorRequired: { from: false, to: true } },
      });
      // Naming the removed department again is still refused, changing nothing.
      const refused = await conferFailure(
        app.client.updateOrgSettings(admin, {
          orgId,
          twoFactorRequired: false,
          groupCreationPolicy: Policy.GROUP_CREATION_POLICY_DEPARTMENTS,
          groupCreationDepartmentIds: [removed],
        }),
      );
      expect(refused.code).toBe('settings.unknown_department');
      expect(await rows('SELECT two_factor_required FROM org_settings')).toEqual([
        { two_factor_required: true },
      ]);
    });

    it('records a chain of lines whose each "from" is the value the change replaced, under racing edits', async () => {
      const before = (await published('audit.recorded')).length;
      const targets = Array.from({ length: 12 }, (_, index) => index % 2 === 0);

      await Promise.all(
        targets.map((twoFactorRequired) =>
          app.client.updateOrgSettings(admin, {
            orgId,
            twoFactorRequired,
            groupCreationPolicy: Policy.GROUP_CREATION_POLICY_UNSPECIFIED,
            groupCreationDepartmentIds: [],
          }),
        ),
      );

      const lines = (await published('audit.recorded'))
        .slice(before)
        .map((line) => JSON.parse(line.detailsJson as string).changes.twoFactorRequired);
      // Each line flips the value; the flips alternate from the value before the race (true)
      // to the stored value at the end.
      lines.forEach((change: { from: boolean; to: boolean }, index: number) => {
        expect(change).toEqual({ from: index % 2 === 0, to: index % 2 !== 0 });
      });
      const [stored] = await rows('SELECT two_factor_required FROM org_settings');
      expect(stored.two_factor_required).toBe(lines.length % 2 === 0);
    });
  });
});
