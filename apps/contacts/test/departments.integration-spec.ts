import { randomUUID } from 'node:crypto';

import { Caller } from '@confer/grpc';
import { conferFailure } from '@confer/testing';

import { DepartmentsService } from '../src/departments/departments.service';
import { useDirectoryOrganisation } from './directory-organisation';
import { syncToEnd } from './fixture-directory';

jest.setTimeout(120_000);

describe(DepartmentsService.name, () => {
  const organisation = useDirectoryOrganisation('contacts_departments_it');
  const { orgId } = organisation;
  const member: Caller = { userId: randomUUID(), orgId, roles: [], correlationId: 'it-member' };
  const outsider: Caller = { ...member, orgId: randomUUID(), correlationId: 'it-outsider' };

  /** Department ids by name, and active direct members by department id, read from the tables. */
  const idByName = new Map<string, string>();
  const activeMembers = new Map<string, string[]>();

  beforeAll(async () => {
    const run = await syncToEnd(organisation.app, organisation.system, true);
    expect(run.status).toBe('succeeded');
    const departments = await organisation.db.query('SELECT id, name FROM departments');
    for (const row of departments.rows) {
      idByName.set(row.name, row.id);
    }
    const members = await organisation.db.query(
      `SELECT ud.department_id, array_agg(u.email ORDER BY u.email) AS emails
         FROM user_departments ud JOIN users u ON u.id = ud.user_id
        WHERE u.status = 'active' GROUP BY ud.department_id`,
    );
    for (const row of members.rows) {
      activeMembers.set(row.department_id, row.emails);
    }
  });

  it('lists the roots of the tree by name, each with its counts', async () => {
    const roots = organisation.fixture.departments
      .filter((entry) => entry.dn.endsWith(`,${organisation.departmentsBase}`))
      .filter(
        (entry) =>
          entry.dn.split(',').length === organisation.departmentsBase.split(',').length + 1,
      )
      .map((entry) => entry.attributes.get('ou')?.[0]);

    const { items } = await organisation.app.client.listDepartments(member, {
      orgId: '',
      parentId: '',
    });

    expect(items.map((item) => item.name).sort()).toEqual([...roots].sort());
    expect(
      items.every((item) => item.depth === 0 && item.parentId === '' && item.hasChildren),
    ).toBe(true);
    const total = items.reduce((sum, item) => sum + item.totalMemberCount, 0);
    expect(total).toBeGreaterThan(0);
  });

  it('answers a department with its children, its ancestors root first and its member counts', async () => {
    const deepest = await organisation.db.query(
      'SELECT id, path FROM departments WHERE depth = 2 ORDER BY name LIMIT 1',
    );
    const { id, path } = deepest.rows[0] as { id: string; path: string[] };

    const detail = await organisation.app.client.getDepartment(member, { id });
    const parent = await organisation.app.client.getDepartment(member, { id: path[1] });

    expect(detail.department).toMatchObject({
      id,
      orgId,
      parentId: path[1],
      depth: 2,
      memberCount: activeMembers.get(id)?.length ?? 0,
    });
    expect(detail.ancestors.map((ancestor) => ancestor.id)).toEqual(path.slice(0, 2));
    expect(parent.children.map((child) => child.id)).toContain(id);
    expect(parent.department?.hasChildren).toBe(true);
    // The subtree count counts each active person once, however many departments they are in.
    const subtree = await organisation.db.query(
      `SELECT count(DISTINCT ud.user_id)::int AS n FROM departments d
         JOIN user_departments ud ON ud.department_id = d.id JOIN users u ON u.id = ud.user_id
        WHERE $1 = ANY(d.path) AND u.status = 'active'`,
      [path[1]],
    );
    expect(parent.department?.totalMemberCount).toBe(subtree.rows[0].n);
  });

  it('pages through the active members of a department by name, leaving the disabled out', async () => {
    const withDisabled = await organisation.db.query(
      `SELECT ud.department_id FROM user_departments ud JOIN users u ON u.id = ud.user_id
        WHERE u.status = 'disabled' LIMIT 1`,
    );
    const departmentId: string =
      withDisabled.rows[0]?.department_id ??
      [...activeMembers.entries()].sort((a, b) => b[1].length - a[1].length)[0][0];

    const emails: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await organisation.app.client.listDepartmentMembers(member, {
        departmentId,
        limit: 2,
        cursor,
      });
      emails.push(...page.items.map((item) => item.email));
      expect(
        page.items.every((item) => item.departments.some((d) => d.departmentId === departmentId)),
      ).toBe(true);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);

    expect([...emails].sort()).toEqual(activeMembers.get(departmentId) ?? []);
    expect(new Set(emails).size).toBe(emails.length);
    expect(pages).toBeGreaterThan(1);
  });

  it('answers another organisation as if its departments did not exist', async () => {
    const id = idByName.values().next().value as string;

    const refusals = await Promise.all([
      conferFailure(organisation.app.client.getDepartment(outsider, { id })),
      conferFailure(
        organisation.app.client.listDepartmentMembers(outsider, {
          departmentId: id,
          limit: 10,
          cursor: '',
        }),
      ),
      conferFailure(organisation.app.client.listDepartments(outsider, { orgId, parentId: '' })),
      conferFailure(organisation.app.client.listDepartments(outsider, { orgId: '', parentId: id })),
      conferFailure(organisation.app.client.getDepartment(member, { id: 'not-an-id' })),
    ]);

    expect(refusals.map((error) => error.code)).toEqual([
      'department.not_found',
      'department.not_found',
      'organisation.not_found',
      'department.not_found',
      'department.not_found',
    ]);
  });
});
