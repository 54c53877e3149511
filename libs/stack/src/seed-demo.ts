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
import { auth, contacts } from '@confer/proto';

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
import { callGateway, login } from './gateway-client';

export interface SeedTargets {
  gatewayUrl: string;
  /** host:port of contacts' and auth-2fa's gRPC servers. */
  contactsGrpcUrl: string;
  authGrpcUrl: string;
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
 * organisation's. Then passwords are set for sign-in, and as the
 * administrator, through the gateway, a group chat and a discussion with a
 * few messages are made. Every step finds what a previous run made, so
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
    const access = targets.directory ?? LOCAL_DIRECTORY;
    const subtree = await loadDemoDirectory(access, targets.prefix ?? 'confer');
    await directory.updateLdapSettings(caller, demoSettings(access, subtree));
    const run = await syncToEnd(directory, caller);
    const userIds = new Map<string, string>();
    for (const person of DEMO_PEOPLE) {
      const user = await directory.findUserByEmail(caller, { email: person.email });
      // Setting the same password again is harmless, and repairs a run that stopped halfway.
      await issuer.setPassword(caller, { userId: user.id, password: DEMO_PASSWORD });
      userIds.set(person.email.split('@')[0], user.id);
    }
    const { groupId, discussionId } = await seedConversations(targets.gatewayUrl, userIds);

    return {
      orgId: DEMO_ORGANISATION.id,
      password: DEMO_PASSWORD,
      logins: DEMO_PEOPLE.map(({ email, displayName, roles }) => ({ email, displayName, roles })),
      createdUsers: run.created,
      groupId,
      discussionId,
    };
  } finally {
    contactsGrpc.close();
    authGrpc.close();
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
