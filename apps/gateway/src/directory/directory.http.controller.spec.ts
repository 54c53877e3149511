import { Caller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { ContactsClient } from '../clients/service-clients';
import { DirectoryHttpController } from './directory.http.controller';

const caller: Caller = {
  userId: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-0000000000aa',
  roles: [],
  correlationId: 'spec',
};

const root: contacts.Department = {
  id: '00000000-0000-4000-8000-0000000000d1',
  orgId: caller.orgId,
  parentId: '',
  name: '北京总部',
  depth: 0,
  memberCount: 2,
  totalMemberCount: 9,
  hasChildren: true,
};

const person = {
  id: '00000000-0000-4000-8000-000000000002',
  orgId: caller.orgId,
  email: 'zhangwei@example.cn',
  displayName: '张伟',
  title: '工程师',
  deskPhone: '',
  mobile: '13800000000',
  secondaryEmails: ['wei@example.cn'],
  departments: [{ departmentId: root.id, name: root.name, title: '' }],
} as contacts.User;

describe(DirectoryHttpController.name, () => {
  const calls: { method: string; request: unknown }[] = [];
  const client = {
    listDepartments: async (_: Caller, request: unknown) => {
      calls.push({ method: 'listDepartments', request });

      return { items: [root] };
    },
    listDepartmentMembers: async (_: Caller, request: unknown) => {
      calls.push({ method: 'listDepartmentMembers', request });

      return { items: [person], nextCursor: '' };
    },
    searchPeople: async (_: Caller, request: unknown) => {
      calls.push({ method: 'searchPeople', request });

      return { items: [person] };
    },
  } as unknown as ContactsClient;
  const controller = new DirectoryHttpController(client);

  beforeEach(() => {
    calls.length = 0;
  });

  it("asks for the roots of the caller's own organisation and answers a root's parent as null", async () => {
    const { items } = await controller.roots(caller);

    expect(calls).toEqual([
      { method: 'listDepartments', request: { orgId: caller.orgId, parentId: '' } },
    ]);
    expect(items[0]).toMatchObject({ id: root.id, parentId: null, totalMemberCount: 9 });
  });

  it('answers the last page of members with a null cursor and people without their aliases', async () => {
    const page = await controller.members(caller, root.id, { limit: 10 });

    expect(calls[0].request).toEqual({ departmentId: root.id, limit: 10, cursor: '' });
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).not.toHaveProperty('secondaryEmails');
    expect(page.items[0].departments).toEqual([
      { departmentId: root.id, name: root.name, title: '' },
    ]);
  });

  it('searches within the caller organisation with the default limit', async () => {
    await controller.search(caller, { q: 'zhangw' });

    expect(calls[0].request).toEqual({ orgId: caller.orgId, query: 'zhangw', limit: 20 });
  });
});
