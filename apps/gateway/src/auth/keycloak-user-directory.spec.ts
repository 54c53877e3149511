import { ConferError } from '@confer/errors';
import { contacts } from '@confer/proto';

import { ContactsClient } from '../clients/service-clients';
import { KeycloakUserDirectory } from './keycloak-user-directory';

const ACTIVE = contacts.UserStatus.USER_STATUS_ACTIVE;
const DISABLED = contacts.UserStatus.USER_STATUS_DISABLED;

function contactsWith(users: Record<string, { id: string; status: contacts.UserStatus }>) {
  const asked: string[] = [];
  const client = {
    findUserByEmail: async (_caller: unknown, request: { email: string }) => {
      asked.push(request.email);
      const user = users[request.email];
      if (!user) {
        throw new ConferError('not_found', 'user.not_found', 'No such user.');
      }

      return { ...user, orgId: 'org-1', roles: ['org_admin'] };
    },
  } as unknown as ContactsClient;

  return { client, asked };
}

describe(KeycloakUserDirectory.name, () => {
  const now = { value: 1_000_000 };

  it('finds the user by case-folded address and reuses the answer while it is fresh', async () => {
    const { client, asked } = contactsWith({ 'alice@corp.example': { id: 'u1', status: ACTIVE } });
    const directory = new KeycloakUserDirectory(client, 30_000, 100, () => now.value);

    const first = await directory.findByEmail('Alice@Corp.example');
    now.value += 29_000;
    const second = await directory.findByEmail('alice@corp.example');
    now.value += 2_000;
    await directory.findByEmail('alice@corp.example');

    expect(first).toEqual({ id: 'u1', orgId: 'org-1', roles: ['org_admin'], active: true });
    expect(second).toEqual(first);
    expect(asked).toEqual(['alice@corp.example', 'alice@corp.example']);
  });

  it('answers undefined for an unknown address and marks disabled users inactive', async () => {
    const { client } = contactsWith({ 'gone@corp.example': { id: 'u2', status: DISABLED } });
    const directory = new KeycloakUserDirectory(client, 30_000);

    await expect(directory.findByEmail('nobody@corp.example')).resolves.toBeUndefined();
    await expect(directory.findByEmail('gone@corp.example')).resolves.toMatchObject({
      active: false,
    });
  });

  it('does not cache failures of the directory', async () => {
    let calls = 0;
    const client = {
      findUserByEmail: async () => {
        calls += 1;
        throw new ConferError('unavailable', 'service.unavailable', 'down');
      },
    } as unknown as ContactsClient;
    const directory = new KeycloakUserDirectory(client, 30_000);

    await expect(directory.findByEmail('a@corp.example')).rejects.toMatchObject({
      code: 'service.unavailable',
    });
    await expect(directory.findByEmail('a@corp.example')).rejects.toBeInstanceOf(ConferError);
    expect(calls).toBe(2);
  });

  it('keeps at most the configured number of answers, dropping the oldest', async () => {
    const { client, asked } = contactsWith({});
    const directory = new KeycloakUserDirectory(client, 30_000, 2, () => now.value);

    await directory.findByEmail('a@x.example');
    await directory.findByEmail('b@x.example');
    await directory.findByEmail('c@x.example');
    await directory.findByEmail('b@x.example');
    await directory.findByEmail('a@x.example');

    expect(asked).toEqual(['a@x.example', 'b@x.example', 'c@x.example', 'a@x.example']);
  });
});
