import { ConferError } from '@confer/errors';

/** Failures of conversation and membership rules, with stable codes. */
export class ConversationError extends ConferError {
  /** Also what a non-member gets for a conversation that exists: its existence is not leaked. */
  static notFound(conversationId: string): ConversationError {
    return new ConversationError('not_found', 'conversation.not_found', 'No such conversation.', {
      conversationId,
    });
  }

  static groupCreationRestricted(): ConversationError {
    return new ConversationError(
      'forbidden',
      'conversation.group_creation_restricted',
      "The organisation's policy does not let you create group chats or discussions.",
    );
  }

  static unknownUsers(userIds: string[]): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.unknown_users',
      'Some users do not exist or are disabled.',
      { userIds },
    );
  }

  static privateWithSelf(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.private_with_self',
      'A private chat needs another person.',
    );
  }

  static privateMembersFixed(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.private_members_fixed',
      'The members of a private chat cannot change.',
    );
  }

  static titleInvalid(max: number): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.title_invalid',
      `A title of 1 to ${max} characters is required.`,
      { max },
    );
  }

  static titleCharactersInvalid(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.title_invalid',
      'The title must be well-formed Unicode without NUL characters.',
    );
  }

  static kindInvalid(kind: string): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.kind_invalid',
      'Unknown conversation kind.',
      {
        kind,
      },
    );
  }

  static kindUnsupported(kind: string): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.kind_unsupported',
      'Broadcast conversations cannot be created yet.',
      { kind },
    );
  }

  static idRequired(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.id_required',
      'A discussion conversation is created with the discussion id.',
    );
  }

  static idInvalid(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.id_invalid',
      'The conversation id must be a UUID.',
    );
  }

  static idempotencyKeyInvalid(): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.idempotency_key_invalid',
      'The idempotency key must be 1 to 128 printable ASCII characters.',
    );
  }

  static idTaken(conversationId: string): ConversationError {
    return new ConversationError(
      'conflict',
      'conversation.id_taken',
      'A conversation of another kind already has this id.',
      { conversationId },
    );
  }

  static tooManyMembers(limit: number): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.too_many_members',
      `A conversation has at most ${limit} members.`,
      { limit },
    );
  }

  static notOwner(): ConversationError {
    return new ConversationError(
      'forbidden',
      'conversation.not_owner',
      'Only the owner may do this.',
    );
  }

  static notAMember(userId: string): ConversationError {
    return new ConversationError(
      'invalid',
      'conversation.not_a_member',
      'That user is not a member of the conversation.',
      { userId },
    );
  }

  static ownerMustTransfer(): ConversationError {
    return new ConversationError(
      'conflict',
      'conversation.owner_must_transfer',
      'The owner must transfer ownership before leaving while others remain.',
    );
  }
}
