import { randomUUID } from 'node:crypto';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';

export interface ProvisionTargets {
  /** host:port of contacts' and auth-2fa's gRPC servers. */
  contactsGrpcUrl: string;
  authGrpcUrl: string;
}

export interface ProvisionedOrganisation {
  orgId: string;
  adminId: string;
}

/**
 * What the platform does for a new customer before its administrator can
 * sign in: creates the organisation and a first administrator with a
 * password. Everything after (the directory, syncs) is the administrator's
 * work through the API.
 */
export async function provisionOrganisation(
  targets: ProvisionTargets,
  organisation: { name: string; domain: string },
  admin: { email: string; displayName: string; password: string },
): Promise<ProvisionedOrganisation> {
  const contactsGrpc = ClientProxyFactory.create(
    grpcClientOptions('contacts', targets.contactsGrpcUrl),
  ) as unknown as ClientGrpc & { close(): void };
  const authGrpc = ClientProxyFactory.create(
    grpcClientOptions('auth', targets.authGrpcUrl),
  ) as unknown as ClientGrpc & { close(): void };
  try {
    const orgId = randomUUID();
    const caller = systemCaller(orgId, randomUUID());
    const directory = serviceClient<contacts.ContactsServiceClient>(contactsGrpc, 'contacts');
    await directory.createOrganisation(caller, { id: orgId, ...organisation });
    const user = await directory.createUser(caller, {
      orgId,
      email: admin.email,
      displayName: admin.displayName,
      roles: ['org_admin'],
    });
    await serviceClient<auth.AuthServiceClient>(authGrpc, 'auth').setPassword(caller, {
      userId: user.id,
      password: admin.password,
    });

    return { orgId, adminId: user.id };
  } finally {
    contactsGrpc.close();
    authGrpc.close();
  }
}

/** Sets a person's password as the platform (a person synced from a directory has none). */
export async function setPasswordFor(
  targets: ProvisionTargets,
  orgId: string,
  userId: string,
  password: string,
): Promise<void> {
  const authGrpc = ClientProxyFactory.create(
    grpcClientOptions('auth', targets.authGrpcUrl),
  ) as unknown as ClientGrpc & { close(): void };
  try {
    await serviceClient<auth.AuthServiceClient>(authGrpc, 'auth').setPassword(
      systemCaller(orgId, randomUUID()),
      { userId, password },
    );
  } finally {
    authGrpc.close();
  }
}
