import { randomUUID } from 'node:crypto';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';

import { ApiClient, E2eStack, TestUser } from '../support';

/**
 * A second organisation with one signed-in user. Organisations are made by
 * the platform, not through the public API, so this is set up like the demo
 * seed: contacts and auth-2fa over gRPC as a system caller.
 */
export async function userOfAnotherOrganisation(stack: E2eStack): Promise<TestUser> {
  const contactsGrpc = ClientProxyFactory.create(
    grpcClientOptions('contacts', stack.apps.contacts.grpcUrl!),
  ) as unknown as ClientGrpc & { close(): void };
  const authGrpc = ClientProxyFactory.create(
    grpcClientOptions('auth', stack.apps['auth-2fa'].grpcUrl!),
  ) as unknown as ClientGrpc & { close(): void };
  try {
    const directory = serviceClient<contacts.ContactsServiceClient>(contactsGrpc, 'contacts');
    const issuer = serviceClient<auth.AuthServiceClient>(authGrpc, 'auth');
    const orgId = randomUUID();
    const domain = `other-${orgId.slice(0, 8)}.example`;
    const caller = systemCaller(orgId, randomUUID());
    await directory.createOrganisation(caller, { id: orgId, name: 'Other Org', domain });
    const email = `mallory@${domain}`;
    const password = `pw-${randomUUID()}`;
    const user = await directory.createUser(caller, {
      orgId,
      email,
      displayName: 'Mallory',
      roles: ['org_admin'],
    });
    await issuer.setPassword(caller, { userId: user.id, password });

    return {
      id: user.id,
      email,
      password,
      displayName: 'Mallory',
      api: await ApiClient.login(stack.gatewayUrl, email, password),
    };
  } finally {
    contactsGrpc.close();
    authGrpc.close();
  }
}
