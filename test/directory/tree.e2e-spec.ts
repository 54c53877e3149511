import { readFileSync } from 'node:fs';

import { useStack } from '../support';
import { FIXTURE_CASES, syncToEnd, useSyncedOrganisation } from './synced-organisation';

interface DepartmentBody {
  id: string;
  parentId: string | null;
  name: string;
  depth: number;
  memberCount: number;
  totalMemberCount: number;
  hasChildren: boolean;
}

interface PersonBody {
  id: string;
  email: string;
  displayName: string;
  departments: { departmentId: string; name: string }[];
}

jest.setTimeout(180_000);

describe('the directory tree after a sync through the admin API', () => {
  const stack = useStack();
  const organisation = useSyncedOrganisation(stack, 'tree');
  const has = (attributes: Map<string, string[]>, objectClass: string) =>
    attributes.get('objectClass')?.includes(objectClass) ?? false;

  beforeAll(async () => {
    const { ended } = await syncToEnd(organisation().admin, 'full');
    expect(ended).toMatchObject({ status: 'succeeded', error: null });
  }, 180_000);

  /** Every department reachable from the roots, walking GET /contacts/departments/{id}. */
  async function wholeTree(): Promise<Map<string, DepartmentBody & { path: string }>> {
    const { admin } = organisation();
    const found = new Map<string, DepartmentBody & { path: string }>();
    const roots = await admin.get<{ items: DepartmentBody[] }>('/contacts/departments');
    expect(roots.status).toBe(200);
    const queue = roots.body.items.map((item) => ({ ...item, path: item.name }));
    while (queue.length > 0) {
      const department = queue.shift()!;
      found.set(department.id, department);
      const detail = await admin.get<{ children: DepartmentBody[]; ancestors: DepartmentBody[] }>(
        `/contacts/departments/${department.id}`,
      );
      expect(detail.status).toBe(200);
      expect(detail.body.ancestors.map((ancestor) => ancestor.name)).toEqual(
        department.path.split('/').slice(0, -1),
      );
      queue.push(
        ...detail.body.children.map((child) => ({
          ...child,
          path: `${department.path}/${child.name}`,
        })),
      );
    }

    return found;
  }

  /** Every member of a department, two per page. */
  async function members(departmentId: string): Promise<PersonBody[]> {
    const { admin } = organisation();
    const people: PersonBody[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: { items: PersonBody[]; nextCursor: string | null } } =
        await admin.get(
          `/contacts/departments/${departmentId}/members?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      people.push(...page.body.items);
      cursor = page.body.nextCursor;
    }

    return people;
  }

  it('brings every department with its place in the tree, every membership and every active person', async () => {
    const { entries, subtree } = organisation();
    const orgBase = `ou=org,${subtree}`.toLowerCase();
    const ous = entries.filter(
      (entry) =>
        has(entry.attributes, 'organizationalUnit') &&
        entry.dn.toLowerCase().endsWith(`,${orgBase}`),
    );
    // The fixture's path of each department, root first, from its DN.
    const pathOf = (dn: string) =>
      dn
        .slice(0, -orgBase.length - 1)
        .split(',')
        .map((rdn) => rdn.slice(rdn.indexOf('=') + 1))
        .reverse()
        .join('/');
    const disabled = new Set(
      entries
        .filter((entry) => entry.attributes.get('employeeType')?.includes('disabled'))
        .map((entry) => entry.dn),
    );
    const emailByDn = new Map(
      entries
        .filter((entry) => has(entry.attributes, 'inetOrgPerson'))
        .map((entry) => [entry.dn, entry.attributes.get('mail')![0].toLowerCase()]),
    );

    const tree = await wholeTree();

    expect([...tree.values()].map((department) => department.path).sort()).toEqual(
      ous.map((entry) => pathOf(entry.dn)).sort(),
    );
    const byPath = new Map([...tree.values()].map((department) => [department.path, department]));
    const everyone = new Set<string>();
    for (const group of entries.filter((entry) => has(entry.attributes, 'groupOfNames'))) {
      const department = byPath.get(pathOf(group.attributes.get('description')![0]))!;
      const expected = (group.attributes.get('member') ?? [])
        .filter((member) => !disabled.has(member))
        .map((member) => emailByDn.get(member)!);

      const listed = await members(department.id);

      expect(listed.map((person) => person.email).sort()).toEqual(expected.sort());
      expect(department.memberCount).toBe(expected.length);
      for (const person of listed) {
        expect(person.departments.map((held) => held.departmentId)).toContain(department.id);
        everyone.add(person.email);
      }
    }
    expect(everyone.size).toBe(emailByDn.size - disabled.size);
    // A parent's total counts its own members and every one below it.
    for (const department of tree.values()) {
      const below = [...tree.values()].filter(
        (other) => other.path === department.path || other.path.startsWith(`${department.path}/`),
      );
      expect(department.totalMemberCount).toBe(
        below.reduce((sum, other) => sum + other.memberCount, 0),
      );
      expect(department.hasChildren).toBe(below.length > 1);
    }
  });

  it('finds the people of every shipped search case through GET /contacts/search', async () => {
    const { admin, emailOf } = organisation();
    const { cases } = JSON.parse(readFileSync(FIXTURE_CASES, 'utf8')) as {
      cases: { query: string; expect: string[]; exclude?: string[] }[];
    };

    const misses: string[] = [];
    for (const searchCase of cases) {
      const found = await admin.get<{ items: PersonBody[] }>(
        `/contacts/search?q=${encodeURIComponent(searchCase.query)}`,
      );
      expect(found.status).toBe(200);
      const firstFive = found.body.items.slice(0, 5).map((person) => person.email);
      const all = found.body.items.map((person) => person.email);
      for (const uid of searchCase.expect) {
        if (!firstFive.includes(emailOf(uid))) {
          misses.push(`${searchCase.query}: ${uid} not in the first five`);
        }
      }
      for (const uid of searchCase.exclude ?? []) {
        if (all.includes(emailOf(uid))) {
          misses.push(`${searchCase.query}: ${uid} must not appear`);
        }
      }
    }

    expect(cases.length).toBeGreaterThan(10);
    expect(misses).toEqual([]);
  });
});
