import { randomUUID } from 'node:crypto';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { grpcClientOptions, serviceClient, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';
import { testMailServer } from '@confer/testing';

import { ApiClient } from './api-client';
import { expectStatus } from './chat';
import { E2eStack } from './e2e-stack';

/** The local password of a mail organisation's administrator. */
const MAIL_ADMIN_PASSWORD = 'admin-local-pass';

export interface MailOrganisation {
  orgId: string;
  /** The administrator, signed in with a local password. */
  admin: ApiClient;
  /** The ids of the people who sign in with the test mail server's accounts. */
  users: Record<'alice' | 'bob', string>;
}

/**
 * The organisation of the test mail server's domain (docs/servers.md): an
 * administrator who signs in with a local password, the mailboxes alice and
 * bob as its people, and the domain pointed at the real Dovecot by the
 * administrator through the admin API. Organisations are made by the
 * platform, not through the public API, so the organisation and its people
 * are made over gRPC as a system caller, like the demo seed.
 */
export async function setUpMailOrganisation(
  stack: E2eStack,
  names: { organisation: string; admin: string },
): Promise<MailOrganisation> {
  const mail = testMailServer();
  const system = () => systemCaller(SYSTEM_USER_ID, randomUUID());
  const contactsGrpc = ClientProxyFactory.create(
    grpcClientOptions('contacts', stack.apps.contacts.grpcUrl!),
  ) as unknown as ClientGrpc & { close(): void };
  const authGrpc = ClientProxyFactory.create(
    grpcClientOptions('auth', stack.apps['auth-2fa'].grpcUrl!),
  ) as unknown as ClientGrpc & { close(): void };
  try {
    const directory = serviceClient<contacts.ContactsServiceClient>(contactsGrpc, 'contacts');
    const issuer = serviceClient<auth.AuthServiceClient>(authGrpc, 'auth');
    const org = await directory.createOrganisation(system(), {
      name: names.organisation,
      domain: mail.domain,
      id: '',
    });
    const adminEmail = `admin.${randomUUID().slice(0, 8)}@${mail.domain}`;
    const adminUser = await directory.createUser(system(), {
      orgId: org.id,
      email: adminEmail,
      displayName: names.admin,
      roles: ['org_admin'],
    });
    await issuer.setPassword(system(), { userId: adminUser.id, password: MAIL_ADMIN_PASSWORD });
    const users = { alice: '', bob: '' };
    for (const name of ['alice', 'bob'] as const) {
      const user = await directory.createUser(system(), {
        orgId: org.id,
        email: mail.accounts[name].address,
        displayName: mail.accounts[name].name,
        roles: [],
      });
      users[name] = user.id;
    }
    const admin = await ApiClient.login(stack.gatewayUrl, adminEmail, MAIL_ADMIN_PASSWORD);
    expectStatus(
      await admin.request('PUT', `/admin/mail-domains/${mail.domain}`, {
        host: mail.host,
        port: mail.ports.imap,
        tls: 'starttls',
        rejectUnauthorized: false,
      }),
      200,
    );

    return { orgId: org.id, admin, users };
  } finally {
    contactsGrpc.close();
    authGrpc.close();
  }
}
