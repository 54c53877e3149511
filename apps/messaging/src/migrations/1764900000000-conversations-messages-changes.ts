import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations, their members (with read cursors and change-stream windows),
 * messages and the per-user change stream. Every table carries org_id, the
 * organisation the conversation belongs to.
 */
export class ConversationsMessagesChanges1764900000000 implements MigrationInterface {
  name = 'ConversationsMessagesChanges1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('private', 'group', 'discussion', 'broadcast')),
        title text NOT NULL DEFAULT '',
        owner_id uuid,
        creator_id uuid NOT NULL,
        idempotency_key text,
        pair_key text,
        last_seq bigint NOT NULL DEFAULT 0,
        last_message_id uuid,
        last_message_at timestamptz,
        member_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'private') = (pair_key IS NOT NULL))
      )`);
    // OpenPrivateConversation: the one private chat of a pair of users.
    await runner.query('CREATE UNIQUE INDEX conversations_pair_key ON conversations (pair_key)');
    // CreateConversation retried with the same idempotency key by the same creator.
    await runner.query(`
      CREATE UNIQUE INDEX conversations_idempotency
        ON conversations (creator_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);

    await runner.query(`
      CREATE TABLE members (
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        user_id uuid NOT NULL,
        org_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('member', 'owner', 'manager')),
        read_seq bigint NOT NULL DEFAULT 0,
        joined_seq bigint NOT NULL DEFAULT 0,
        joined_pos bigint NOT NULL,
        left_pos bigint,
        pinned_at timestamptz,
        hidden_seq bigint,
        muted boolean NOT NULL DEFAULT false,
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, user_id)
      )`);
    // Sync, ListRecentSessions: the conversations a user is (or was) a member of.
    // The primary key serves ListMembers and the live-recipient lookup by conversation.
    await runner.query('CREATE INDEX members_by_user ON members (user_id, conversation_id)');

    await runner.query(`
      CREATE TABLE messages (
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        seq bigint NOT NULL,
        id uuid NOT NULL,
        org_id uuid NOT NULL,
        sender_id uuid NOT NULL,
        client_message_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('text', 'emoji')),
        text text,
        emoji text,
        created_at timestamptz NOT NULL,
        stream_pos bigint NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      )`);
    // ListRecentSessions: the last message of each conversation, by its id.
    await runner.query('CREATE UNIQUE INDEX messages_id ON messages (id)');
    // SendMessage: a retried client message id returns the first message.
    await runner.query(`
      CREATE UNIQUE INDEX messages_client_id
        ON messages (conversation_id, sender_id, client_message_id)`);

    await runner.query(`
      CREATE TABLE changes (
        stream_pos bigint PRIMARY KEY,
        org_id uuid NOT NULL,
        conversation_id uuid,
        user_id uuid,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Sync: a conversation's changes for all its members, after a position.
    await runner.query(`
      CREATE INDEX changes_by_conversation
        ON changes (conversation_id, stream_pos) WHERE user_id IS NULL`);
    // Sync: changes addressed to one user alone (read cursors from other devices), after a position.
    await runner.query(`
      CREATE INDEX changes_by_user ON changes (user_id, stream_pos) WHERE user_id IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE changes');
    await runner.query('DROP TABLE messages');
    await runner.query('DROP TABLE members');
    await runner.query('DROP TABLE conversations');
  }
}
