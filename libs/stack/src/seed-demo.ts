import { randomUUID } from 'node:crypto';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { isConferError } from '@confer/errors';
import { grpcClientOptions, serviceClient, systemCaller } from '@confer/grpc';
import { auth, contacts } from '@confer/proto';

import {
  DEMO_ADMIN,
  DEMO_DISCUSSION,
  DEMO_GROUP,
  DEMO_ORGANISATION,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
} from './demo-people';
import { callGateway, login } from './gateway-client';

export interface SeedTargets {
  gatewayUrl: string;
  /** host:port of contacts' and auth-2fa's gRPC servers. */
  contactsGrpcUrl: string;
  authGrpcUrl: string;
}

export interface DemoLogin {
  email: string;
  displayName: string;
  roles: string[];
}

export interface DemoSeed {
  orgId: string;
  password: string;
  logins: DemoLogin[];
  /** How many users this run created (0 when the demo organisation was already complete). */
  createdUsers: number;
  groupId: string;
  discussionId: string;
}

/**
 * Creates the demo organisation, its people and their passwords through the
 * services' gRPC APIs as the platform (a system caller), then, as a demo
 * user through the gateway, a group chat and a discussion with a few
 * messages. Every step finds what a previous run made (users by e-mail,
 * conversations by idempotency key, messages by client message id), so
 * running it again changes nothing.
 */
export async function seedDemo(targets: SeedTargets): Promise<DemoSeed> {
  const contactsGrpc = ClientProxyFactory.create(
    grpcClientOptions('contacts', targets.contactsGrpcUrl),
  ) as unknown as ClientGrpc & { close(): void };
  const authGrpc = ClientProxyFactory.create(
    grpcClientOptions('auth', targets.authGrpcUrl),
  ) as unknown as ClientGrpc & { close(): void };
  try {
    const directory = serviceClient<contacts.ContactsServiceClient>(contactsGrpc, 'contacts');
    const issuer = serviceClient<auth.AuthServiceClient>(authGrpc, 'auth');
    const caller = systemCaller(DEMO_ORGANISATION.id, randomUUID());
    await findOrCreate(
      () => directory.getOrganisation(caller, { orgId: DEMO_ORGANISATION.id }),
      () => directory.createOrganisation(caller, DEMO_ORGANISATION),
    );
    const userIds = new Map<string, string>();
    let createdUsers = 0;
    for (const person of DEMO_PEOPLE) {
      const user = await findOrCreate(
        () => directory.findUserByEmail(caller, { email: person.email }),
        async () => {
          createdUsers += 1;

          return directory.createUser(caller, { orgId: DEMO_ORGANISATION.id, ...person });
        },
      );
      // Setting the same password again is harmless, and repairs a run that stopped halfway.
      await issuer.setPassword(caller, { userId: user.id, password: DEMO_PASSWORD });
      userIds.set(person.email.split('@')[0], user.id);
    }
    const { groupId, discussionId } = await seedConversations(targets.gatewayUrl, userIds);

    return {
      orgId: DEMO_ORGANISATION.id,
      password: DEMO_PASSWORD,
      logins: DEMO_PEOPLE.map(({ email, displayName, roles }) => ({ email, displayName, roles })),
      createdUsers,
      groupId,
      discussionId,
    };
  } finally {
    contactsGrpc.close();
    authGrpc.close();
  }
}

async function seedConversations(
  gatewayUrl: string,
  userIds: Map<string, string>,
): Promise<{ groupId: string; discussionId: string }> {
  const { accessToken: token } = await login(gatewayUrl, DEMO_ADMIN.email, DEMO_PASSWORD);
  const idsOf = (locals: string[]) => locals.map((local) => userIds.get(local)!);
  const group = await callGateway<{ id: string }>(gatewayUrl, '/conversations', {
    token,
    headers: { 'idempotency-key': DEMO_GROUP.idempotencyKey },
    body: { title: DEMO_GROUP.title, memberIds: idsOf(DEMO_GROUP.members) },
  });
  const discussion = await callGateway<{ id: string }>(gatewayUrl, '/discussions', {
    token,
    headers: { 'idempotency-key': DEMO_DISCUSSION.idempotencyKey },
    body: { topic: DEMO_DISCUSSION.topic, memberIds: idsOf(DEMO_DISCUSSION.members) },
  });
  for (const [conversationId, messages] of [
    [group.id, DEMO_GROUP.messages],
    [discussion.id, DEMO_DISCUSSION.messages],
  ] as const) {
    for (const message of messages) {
      await callGateway(gatewayUrl, `/conversations/${conversationId}/messages`, {
        token,
        body: { clientMessageId: message.clientMessageId, kind: 'text', text: message.text },
      });
    }
  }

  return { groupId: group.id, discussionId: discussion.id };
}

/** Returns what `find` finds; when it answers not-found, what `create` makes. */
async function findOrCreate<T>(find: () => Promise<T>, create: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (isConferError(error) && error.kind === 'not_found') {
      return create();
    }
    throw error;
  }
}
