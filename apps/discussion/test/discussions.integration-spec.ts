// Runs against the real contacts and messaging apps, each started from its
// build as a separate process; the discussion app runs in this process.
import { randomUUID } from 'node:crypto';

import { connect, JetStreamManager, NatsConnection } from 'nats';

import { serviceStream } from '@confer/events';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';
import {
  BuiltAppProcess,
  conferFailure,
  dropDatabase,
  spawnBuiltApp,
  testGrpcClient,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { DiscussionsService } from '../src/discussions/discussions.service';
import { RunningDiscussion, startDiscussion } from './start-discussion';

jest.setTimeout(60_000);

const servers = testServers();
const system = systemCaller(SYSTEM_USER_ID, 'it-discussion');

describe(DiscussionsService.name, () => {
  const databases = {
    contacts: uniqueDatabaseName('disc_it_contacts'),
    messaging: uniqueDatabaseName('disc_it_messaging'),
    discussion: uniqueDatabaseName('disc_it'),
  };
  const prefix = uniqueToken('it');
  const processes: BuiltAppProcess[] = [];
  let discussionApp: RunningDiscussion;
  let closeDirectory: (() => void) | undefined;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  const people: Record<'alice' | 'bob' | 'carol', Caller> = {} as never;

  beforeAll(async () => {
    const shared = {
      POSTGRES_URL: servers.postgresUrl,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
    };
    const contactsProcess = await spawnBuiltApp('contacts', {
      ...shared,
      DATABASE_NAME: databases.contacts,
    });
    processes.push(contactsProcess);
    const messagingProcess = await spawnBuiltApp('messaging', {
      ...shared,
      DATABASE_NAME: databases.messaging,
      CONTACTS_GRPC_URL: contactsProcess.grpcUrl,
    });
    processes.push(messagingProcess);
    discussionApp = await startDiscussion({
      ...shared,
      DATABASE_NAME: databases.discussion,
      MESSAGING_GRPC_URL: messagingProcess.grpcUrl,
      HTTP_PORT: '0',
    });
    nats = await connect({ servers: servers.natsUrl });
    jsm = await nats.jetstreamManager();

    const { client: directory, close } = testGrpcClient<contacts.ContactsServiceClient>(
      'contacts',
      contactsProcess.grpcUrl,
    );
    closeDirectory = close;
    const orgId = (
      await directory.createOrganisation(system, {
        name: 'Talk Ltd',
        domain: 'talk.example',
        id: '',
      })
    ).id;
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const user = await directory.createUser(system, {
        orgId,
        email: `${name}@talk.example`,
        displayName: name,
        roles: [],
      });
      people[name] = { userId: user.id, orgId, roles: [], correlationId: `it-${name}` };
    }
  });

  afterAll(async () => {
    closeDirectory?.();
    await discussionApp?.close();
    for (const running of processes.reverse()) {
      await running.stop();
    }
    for (const service of ['contacts', 'messaging', 'discussion']) {
      await jsm?.streams.delete(serviceStream(prefix, service).name).catch(() => undefined);
    }
    await nats?.close();
    for (const database of Object.values(databases)) {
      await dropDatabase(servers.postgresUrl, database);
    }
  });

  it('creates a discussion whose conversation holds the creator and the members', async () => {
    const created = await discussionApp.client.createDiscussion(people.alice, {
      topic: '  Q3 launch  ',
      memberIds: [people.bob.userId],
      idempotencyKey: '',
    });

    expect(created).toMatchObject({
      topic: 'Q3 launch',
      orgId: people.alice.orgId,
      creatorId: people.alice.userId,
      memberCount: 2,
    });
    await expect(
      discussionApp.client.getDiscussion(people.bob, { discussionId: created.id }),
    ).resolves.toMatchObject({ id: created.id, topic: 'Q3 launch', memberCount: 2 });
  });

  it('returns the first discussion when retried with the same key, and publishes it once', async () => {
    const request = { topic: 'Retry me', memberIds: [people.bob.userId], idempotencyKey: 'k-1' };
    const first = await discussionApp.client.createDiscussion(people.alice, request);
    const again = await discussionApp.client.createDiscussion(people.alice, {
      ...request,
      topic: 'A different topic',
    });
    const fromAnother = await discussionApp.client.createDiscussion(people.bob, {
      ...request,
      memberIds: [people.alice.userId],
    });

    expect(again).toEqual(first);
    expect(fromAnother.id).not.toBe(first.id);
    const events = await createdEvents(first.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      discussionId: first.id,
      topic: 'Retry me',
      creatorId: people.alice.userId,
    });
  });

  it('hides a discussion from people who are not members', async () => {
    const created = await discussionApp.client.createDiscussion(people.alice, {
      topic: 'Private plans',
      memberIds: [],
      idempotencyKey: '',
    });
    const error = await conferFailure(
      discussionApp.client.getDiscussion(people.carol, { discussionId: created.id }),
    );

    expect(error.code).toBe('discussion.not_found');
    expect(
      (
        await conferFailure(
          discussionApp.client.getDiscussion(people.carol, { discussionId: 'nope' }),
        )
      ).code,
    ).toBe('discussion.not_found');
  });

  it('lets a member add people, who can then see it', async () => {
    const created = await discussionApp.client.createDiscussion(people.alice, {
      topic: 'Growing',
      memberIds: [people.bob.userId],
      idempotencyKey: '',
    });
    const grown = await discussionApp.client.addMembers(people.bob, {
      discussionId: created.id,
      userIds: [people.carol.userId],
    });

    expect(grown.memberCount).toBe(3);
    await expect(
      discussionApp.client.getDiscussion(people.carol, { discussionId: created.id }),
    ).resolves.toMatchObject({ memberCount: 3 });
  });

  it('refuses an invalid topic without creating anything', async () => {
    const error = await conferFailure(
      discussionApp.client.createDiscussion(people.alice, {
        topic: ' ',
        memberIds: [],
        idempotencyKey: 'never-created',
      }),
    );

    expect(error).toMatchObject({ code: 'discussion.invalid', details: { field: 'topic' } });
  });

  it("passes on messaging's refusal of users who do not exist", async () => {
    const error = await conferFailure(
      discussionApp.client.createDiscussion(people.alice, {
        topic: 'Ghosts',
        memberIds: [randomUUID()],
        idempotencyKey: '',
      }),
    );

    expect(error.kind).not.toBe('internal');
    expect(error.code).toMatch(/^conversation\./);
  });

  /** discussion.created payloads for one discussion, read once the relay has published. */
  async function createdEvents(discussionId: string): Promise<Record<string, unknown>[]> {
    const stream = serviceStream(prefix, 'discussion').name;
    const subject = `${prefix}.discussion.discussion.created`;
    const deadline = Date.now() + 10_000;
    let found: Record<string, unknown>[] = [];
    while (Date.now() < deadline && found.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const total = (await jsm.streams.info(stream)).state.messages;
      const consumer = await nats.jetstream().consumers.get(stream);
      const batch = await consumer.fetch({ max_messages: total + 1, expires: 1_000 });
      const payloads: Record<string, unknown>[] = [];
      for await (const message of batch) {
        if (message.subject === subject) {
          payloads.push(message.json<Record<string, unknown>>());
        }
      }
      found = payloads.filter((payload) => payload.discussionId === discussionId);
    }

    return found;
  }
});
