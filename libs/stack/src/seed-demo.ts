import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { ClientGrpc, ClientProxyFactory } from '@nestjs/microservices';

import { isConferError } from '@confer/errors';
import {
  Caller,
  grpcClientOptions,
  ServiceClient,
  serviceClient,
  systemCaller,
} from '@confer/grpc';
import { auth, contacts, discussion, messaging } from '@confer/proto';

import {
  DEMO_ADMIN,
  DEMO_DISCUSSION,
  DEMO_GROUP,
  DEMO_ORGANISATION,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
} from './demo-people';
import {
  DirectoryAccess,
  loadEntries,
  LOCAL_DIRECTORY,
  readLdif,
  rebase,
  subtreeRoot,
} from './directory-loader';

export interface SeedTargets {
  /** host:port of the gRPC servers of contacts, auth-2fa, messaging and discussion. */
  contactsGrpcUrl: string;
  authGrpcUrl: string;
  messagingGrpcUrl: string;
  discussionGrpcUrl: string;
  /** The stack's prefix, which names its subtree of the directory (default `confer`). */
  prefix?: string;
  /** Where the demo directory is loaded (default: the local test slapd). */
  directory?: DirectoryAccess;
}

/** The demo organisation as an LDIF; its DNs end in DEMO_LDIF_SUFFIX. */
export const DEMO_LDIF = join(__dirname, '..', 'fixtures', 'demo-organisation.ldif');
export const DEMO_LDIF_SUFFIX = 'ou=demo,dc=example,dc=cn';

/** How long the demo's first sync may take (a dozen people: well under a second). */
const SYNC_TIMEOUT_MS = 60_000;

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
 * Seeds the demo organisation the way a real one is set up: the platform
 * creates the organisation, the demo LDIF is loaded into the local directory
 * under the stack's own subtree (`ou=<prefix>,dc=example,dc=cn`, so parallel
 * stacks never collide), contacts is given that directory and syncs it, so
 * the people, departments and the administrator (a member of the
 * directory's administrators group) come from the same sync path as any
 * organisation's. Then passwords are set for sign-in, and a group chat and a
 * discussion with a few messages are made for the administrator.
 *
 * Nothing signs in: the conversations are made over the services' gRPC APIs
 * with the administrator as the caller, as the gateway would after a
 * sign-in, so a demo administrator (or organisation) with two-factor sign-in
 * on seeds like any other. An organisation seeded to the end before is
 * recognised by its people and its demo messages all being there, and then
 * nothing else is done: a restart sets no password, directory settings or
 * sync again, and changes nothing. An earlier run that stopped partway is
 * finished; every step finds what that run made.
 */
export async function seedDemo(targets: SeedTargets): Promise<DemoSeed> {
  const clients = openClients(targets);
  try {
    const caller = systemCaller(DEMO_ORGANISATION.id, randomUUID());
    const found = await findDemoPeople(clients.directory, caller);
    if (found) {
      const conversations = await seedConversations(clients, found);
      if (conversations.messagesCreated === 0) {
        return demoSeed(0, conversations);
      }
    }
    await findOrCreate(
      () => clients.directory.getOrganisation(caller, { orgId: DEMO_ORGANISATION.id }),
      () => clients.directory.createOrganisation(caller, DEMO_ORGANISATION),
    );
    const access = targets.directory ?? LOCAL_DIRECTORY;
    const subtree = await loadDemoDirectory(access, targets.prefix ?? 'confer');
    await clients.directory.updateLdapSettings(caller, demoSettings(access, subtree));
    const run = await syncToEnd(clients.directory, caller);
    const people = new Map<string, contacts.User>();
    for (const person of DEMO_PEOPLE) {
      const user = await clients.directory.findUserByEmail(caller, { email: person.email });
      // Setting the same password again is harmless, and repairs a run that stopped halfway.
      await clients.issuer.setPassword(caller, { userId: user.id, password: DEMO_PASSWORD });
      people.set(localPart(person.email), user);
    }

    return demoSeed(run.created, await seedConversations(clients, people));
  } finally {
    clients.close();
  }
}

/** The demo directory's subtree for a stack prefix. */
export function demoSubtree(prefix: string, access: DirectoryAccess = LOCAL_DIRECTORY): string {
  return `ou=${prefix},${access.baseDn}`;
}

async function loadDemoDirectory(access: DirectoryAccess, prefix: string): Promise<string> {
  const subtree = demoSubtree(prefix, access);
  const entries = [
    subtreeRoot(prefix, access.baseDn),
    ...rebase(readLdif(DEMO_LDIF), DEMO_LDIF_SUFFIX, subtree),
  ];
  try {
    await loadEntries(access, entries);
  } catch (error) {
    throw new Error(
      `Could not load the demo directory into ${access.url} (${String(error)}); ` +
        'the local directory server starts with: scripts/servers/slapd.sh ensure',
      { cause: error },
    );
  }

  return subtree;
}

function demoSettings(
  access: DirectoryAccess,
  subtree: string,
): contacts.UpdateLdapSettingsRequest {
  return {
    orgId: DEMO_ORGANISATION.id,
    url: access.url,
    bindDn: access.bindDn,
    bindPassword: access.password,
    peopleBaseDn: `ou=people,${subtree}`,
    peopleFilter: '(objectClass=inetOrgPerson)',
    departmentsBaseDn: `ou=org,${subtree}`,
    departmentsFilter: '(objectClass=organizationalUnit)',
    groupsBaseDn: `ou=groups,${subtree}`,
    groupsFilter: '(objectClass=groupOfNames)',
    attributeMap: {},
    disabledValues: ['disabled'],
    adminGroupDn: `cn=administrators,${subtree}`,
    syncIntervalSeconds: 0,
    startTls: false,
    tlsCaCertificate: '',
    tlsSkipVerify: false,
    pageSize: 0,
    timeoutSeconds: 0,
  };
}

/** A full sync of the demo organisation, to its end; one already running is waited for. */
async function syncToEnd(
  directory: ServiceClient<contacts.ContactsServiceClient>,
  caller: Caller,
): Promise<contacts.DirectorySyncRun> {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  let run: contacts.DirectorySyncRun | undefined;
  while (!run && Date.now() < deadline) {
    try {
      run = await directory.startDirectorySync(caller, { orgId: DEMO_ORGANISATION.id, full: true });
    } catch (error) {
      if (!isConferError(error) || error.code !== 'directory_sync.already_running') {
        throw error;
      }
      await sleep(200);
    }
  }
  while (run && run.status === 'running' && Date.now() < deadline) {
    await sleep(100);
    run = await directory.getDirectorySyncRun(caller, { id: run.id });
  }
  if (!run || run.status !== 'succeeded') {
    throw new Error(
      `The demo directory sync did not succeed: ${run ? `${run.status} ${run.errorCode} ${run.errorMessage}` : 'never started'}`,
    );
  }

  return run;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface SeedClients {
  directory: ServiceClient<contacts.ContactsServiceClient>;
  issuer: ServiceClient<auth.AuthServiceClient>;
  chat: ServiceClient<messaging.MessagingServiceClient>;
  discussions: ServiceClient<discussion.DiscussionServiceClient>;
  close(): void;
}

function openClients(targets: SeedTargets): SeedClients {
  const open = (service: 'contacts' | 'auth' | 'messaging' | 'discussion', url: string) =>
    ClientProxyFactory.create(grpcClientOptions(service, url)) as unknown as ClientGrpc & {
      close(): void;
    };
  const channels = {
    contacts: open('contacts', targets.contactsGrpcUrl),
    auth: open('auth', targets.authGrpcUrl),
    messaging: open('messaging', targets.messagingGrpcUrl),
    discussion: open('discussion', targets.discussionGrpcUrl),
  };

  return {
    directory: serviceClient<contacts.ContactsServiceClient>(channels.contacts, 'contacts'),
    issuer: serviceClient<auth.AuthServiceClient>(channels.auth, 'auth'),
    chat: serviceClient<messaging.MessagingServiceClient>(channels.messaging, 'messaging'),
    discussions: serviceClient<discussion.DiscussionServiceClient>(
      channels.discussion,
      'discussion',
    ),
    close: () => Object.values(channels).forEach((channel) => channel.close()),
  };
}

function demoSeed(
  createdUsers: number,
  conversations: { groupId: string; discussionId: string },
): DemoSeed {
  return {
    orgId: DEMO_ORGANISATION.id,
    password: DEMO_PASSWORD,
    logins: DEMO_PEOPLE.map(({ email, displayName, roles }) => ({ email, displayName, roles })),
    createdUsers,
    groupId: conversations.groupId,
    discussionId: conversations.discussionId,
  };
}

function localPart(email: string): string {
  return email.split('@')[0];
}

/**
 * The demo people by local part when the organisation and every one of them
 * exist; undefined otherwise. Reads only.
 */
async function findDemoPeople(
  directory: ServiceClient<contacts.ContactsServiceClient>,
  caller: Caller,
): Promise<Map<string, contacts.User> | undefined> {
  const people = new Map<string, contacts.User>();
  try {
    await directory.getOrganisation(caller, { orgId: DEMO_ORGANISATION.id });
    for (const person of DEMO_PEOPLE) {
      const user = await directory.findUserByEmail(caller, { email: person.email });
      people.set(localPart(person.email), user);
    }
  } catch (error) {
    if (isConferError(error) && error.kind === 'not_found') {
      return undefined;
    }
    throw error;
  }

  return people;
}

/**
 * The demo group chat and discussion with their messages, made by the
 * administrator. Each call is keyed (idempotency key, client message id), so
 * what exists is returned as it is; `messagesCreated` counts the messages
 * this call sent, 0 when all were there.
 */
async function seedConversations(
  clients: SeedClients,
  people: Map<string, contacts.User>,
): Promise<{ groupId: string; discussionId: string; messagesCreated: number }> {
  const admin = people.get(localPart(DEMO_ADMIN.email))!;
  const caller: Caller = {
    userId: admin.id,
    orgId: DEMO_ORGANISATION.id,
    roles: admin.roles,
    correlationId: randomUUID(),
  };
  const idsOf = (locals: string[]) => locals.map((local) => people.get(local)!.id);
  const group = await clients.chat.createConversation(caller, {
    kind: messaging.ConversationKind.CONVERSATION_KIND_GROUP,
    title: DEMO_GROUP.title,
    memberIds: idsOf(DEMO_GROUP.members),
    id: '',
    idempotencyKey: DEMO_GROUP.idempotencyKey,
  });
  const created = await clients.discussions.createDiscussion(caller, {
    topic: DEMO_DISCUSSION.topic,
    memberIds: idsOf(DEMO_DISCUSSION.members),
    idempotencyKey: DEMO_DISCUSSION.idempotencyKey,
  });
  let messagesCreated = 0;
  for (const [conversationId, messages] of [
    [group.id, DEMO_GROUP.messages],
    [created.id, DEMO_DISCUSSION.messages],
  ] as const) {
    for (const message of messages) {
      const sent = await clients.chat.sendMessage(caller, {
        conversationId,
        clientMessageId: message.clientMessageId,
        kind: messaging.MessageKind.MESSAGE_KIND_TEXT,
        text: message.text,
        emoji: '',
      });
      messagesCreated += sent.created ? 1 : 0;
    }
  }

  return { groupId: group.id, discussionId: created.id, messagesCreated };
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
