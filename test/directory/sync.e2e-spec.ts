import { Attribute, Change, Client as LdapClient } from 'ldapts';

import { DEMO_PASSWORD, DEMO_PEOPLE, LOCAL_DIRECTORY, setPasswordFor } from '@confer/stack';

import { ApiClient, useStack } from '../support';
import { SyncRunBody, syncToEnd, useSyncedOrganisation } from './synced-organisation';

interface PersonBody {
  id: string;
  email: string;
  displayName: string;
  departments: { name: string }[];
}

jest.setTimeout(180_000);

describe('directory sync through the admin API', () => {
  const stack = useStack();
  const organisation = useSyncedOrganisation(stack, 'sync');

  async function withLdap(change: (ldap: LdapClient) => Promise<void>): Promise<void> {
    const ldap = new LdapClient({ url: LOCAL_DIRECTORY.url });
    await ldap.bind(LOCAL_DIRECTORY.bindDn, LOCAL_DIRECTORY.password);
    try {
      await change(ldap);
    } finally {
      await ldap.unbind();
    }
  }

  const search = async (q: string) =>
    (
      await organisation().admin.get<{ items: PersonBody[] }>(
        `/contacts/search?q=${encodeURIComponent(q)}`,
      )
    ).body.items;

  it('answers the stored settings without the bind password', async () => {
    const answer = await organisation().admin.get<Record<string, unknown>>('/admin/directory/ldap');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      url: LOCAL_DIRECTORY.url,
      bindDn: LOCAL_DIRECTORY.bindDn,
      bindPasswordSet: true,
      peopleFilter: '(objectClass=inetOrgPerson)',
      source: 'organisation',
    });
    expect(answer.body).not.toHaveProperty('bindPassword');
    expect(JSON.stringify(answer.body)).not.toContain(LOCAL_DIRECTORY.password);
  });

  it('refuses invalid settings with every problem by field and changes nothing', async () => {
    const { admin, settings } = organisation();
    const before = await admin.get('/admin/directory/ldap');

    const refused = await admin.request<{
      error: { code: string; details: { fields: Record<string, string[]> } };
    }>('PUT', '/admin/directory/ldap', {
      ...settings,
      url: 'http://127.0.0.1:10389',
      peopleFilter: '(uid=*)(objectClass=*)',
      departmentsBaseDn: 'not a dn',
      syncIntervalSeconds: 5,
    });

    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('ldap_settings.invalid');
    expect(Object.keys(refused.body.error.details.fields).sort()).toEqual([
      'departmentsBaseDn',
      'peopleFilter',
      'syncIntervalSeconds',
      'url',
    ]);
    expect((await admin.get('/admin/directory/ldap')).body).toEqual(before.body);
  });

  it('runs a full sync with visible progress, and refuses a second start while it runs', async () => {
    const { admin, entries } = organisation();
    const people = entries.filter((entry) =>
      entry.attributes.get('objectClass')?.includes('inetOrgPerson'),
    );

    const [first, second] = await Promise.all([
      syncToEnd(admin, 'full'),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));

        return admin.post<{ error: { code: string } }>('/admin/directory/sync', { mode: 'full' });
      })(),
    ]);

    expect(first.started).toMatchObject({ status: 'running', mode: 'full' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('directory_sync.already_running');
    expect(first.ended).toMatchObject({
      status: 'succeeded',
      error: null,
      progress: { processed: first.ended.progress.total },
      report: { created: people.length, failed: 0, departmentsRemoved: 0 },
    });
    expect(first.ended.progress.total).toBeGreaterThanOrEqual(people.length);
    const listed = await admin.get<{ items: SyncRunBody[] }>('/admin/directory/sync');
    expect(listed.body.items[0].id).toBe(first.started.id);
  });

  it('changes nothing on a second run, full or incremental', async () => {
    const { admin } = organisation();

    for (const mode of ['incremental', 'full'] as const) {
      const { ended } = await syncToEnd(admin, mode);

      expect(ended).toMatchObject({
        status: 'succeeded',
        mode,
        report: {
          created: 0,
          updated: 0,
          moved: 0,
          disabled: 0,
          departmentsCreated: 0,
          departmentsUpdated: 0,
          departmentsRemoved: 0,
        },
      });
    }
  });

  it('brings a rename, a move, a disable and a delete; the disabled keep their name in old messages', async () => {
    const { admin, subtree, emailOf, orgId } = organisation();
    const person = (uid: string) => `uid=${uid},ou=people,${subtree}`;
    const group = (name: string) => `cn=${name},ou=groups,${subtree}`;
    // achen writes in a group before being disabled.
    const [achen] = await search(emailOf('achen'));
    await setPasswordFor(
      {
        contactsGrpcUrl: stack().apps.contacts.grpcUrl!,
        authGrpcUrl: stack().apps['auth-2fa'].grpcUrl!,
      },
      orgId,
      achen.id,
      'achen-e2e-password-2026',
    );
    const asAchen = await ApiClient.login(
      stack().gatewayUrl,
      achen.email,
      'achen-e2e-password-2026',
    );
    const chat = await asAchen.post<{ id: string }>('/conversations', {
      title: 'Before the change',
      memberIds: [admin.userId],
    });
    const written = await asAchen.post<{ id: string }>(`/conversations/${chat.body.id}/messages`, {
      clientMessageId: '6b1c0e1a-0001-4000-8000-000000000001',
      kind: 'text',
      text: 'Still here tomorrow?',
    });
    expect([200, 201]).toContain(written.status);
    await withLdap(async (ldap) => {
      await ldap.modify(person('shanyong'), [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'displayName', values: ['单永勇'] }),
        }),
      ]);
      await ldap.modify(group('北京总部'), [
        new Change({
          operation: 'delete',
          modification: new Attribute({ type: 'member', values: [person('yangjing')] }),
        }),
      ]);
      await ldap.modify(group('财务部'), [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [person('yangjing')] }),
        }),
      ]);
      await ldap.modify(person('achen'), [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'employeeType', values: ['disabled'] }),
        }),
      ]);
      await ldap.del(person('ouyangzhe'));
    });

    const { ended } = await syncToEnd(admin, 'incremental');

    expect(ended).toMatchObject({
      status: 'succeeded',
      report: { created: 0, updated: 1, moved: 1, disabled: 2 },
    });
    expect((await search('单永勇')).map((found) => found.email)).toContain(emailOf('shanyong'));
    const [yangjing] = await search(emailOf('yangjing'));
    expect(yangjing.departments.map((held) => held.name)).toEqual(['财务部']);
    const emails = async (q: string) => (await search(q)).map((found) => found.email);
    expect(await emails('achen')).not.toContain(emailOf('achen'));
    expect(await emails('ouyangzhe')).not.toContain(emailOf('ouyangzhe'));
    const messages = await admin.get<{ items: { senderId: string }[] }>(
      `/conversations/${chat.body.id}/messages`,
    );
    expect(messages.body.items.map((message) => message.senderId)).toContain(achen.id);
    const sender = await admin.get<{ displayName: string; status: string }>(`/users/${achen.id}`);
    expect(sender.body).toMatchObject({ displayName: achen.displayName, status: 'disabled' });
  });

  it('refuses every admin endpoint to someone who is not an administrator', async () => {
    const member = DEMO_PEOPLE.find((person) => !person.roles.includes('org_admin'))!;
    const api = await ApiClient.login(stack().gatewayUrl, member.email, DEMO_PASSWORD);
    const runs = await organisation().admin.get<{ items: SyncRunBody[] }>('/admin/directory/sync');

    const answers = await Promise.all([
      api.get('/admin/directory/ldap'),
      api.request('PUT', '/admin/directory/ldap', organisation().settings),
      api.post('/admin/directory/sync', { mode: 'full' }),
      api.get('/admin/directory/sync'),
      api.get(`/admin/directory/sync/${runs.body.items[0].id}`),
    ]);

    expect(
      answers.map((answer) => [
        answer.status,
        (answer.body as { error: { code: string } }).error.code,
      ]),
    ).toEqual(Array(5).fill([403, 'auth.forbidden']));
    expect(
      (await organisation().admin.get<{ items: SyncRunBody[] }>('/admin/directory/sync')).body
        .items,
    ).toHaveLength(runs.body.items.length);
  });
});
