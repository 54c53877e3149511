import { toApiChangeData } from './change.mapper';

describe(toApiChangeData.name, () => {
  it('gives message.created the HTTP API shape of a message', () => {
    const data = toApiChangeData('message.created', {
      id: 'm1',
      conversationId: 'c1',
      seq: 3,
      senderId: 'u1',
      clientMessageId: 'x',
      kind: 'MESSAGE_KIND_TEXT',
      text: 'hello',
      emoji: '',
      createdAt: '2026-12-04T00:00:00.000Z',
      streamPos: 99,
    });

    expect(data).toMatchObject({ id: 'm1', kind: 'text', text: 'hello', emoji: null, seq: 3 });
  });

  it('names kinds in member.added and leaves out one member’s own role and cursor', () => {
    const data = toApiChangeData('member.added', {
      conversationId: 'c1',
      userIds: ['u2'],
      conversation: {
        id: 'c1',
        orgId: 'o1',
        kind: 'CONVERSATION_KIND_GROUP',
        title: 'Team',
        ownerId: 'u1',
        lastSeq: 0,
        createdAt: '2026-12-04T00:00:00.000Z',
        lastMessageAt: '',
        memberCount: 2,
        readSeq: 0,
        role: 'MEMBER_ROLE_UNSPECIFIED',
      },
    }) as { conversation: Record<string, unknown> };

    expect(data.conversation).toMatchObject({ kind: 'group', ownerId: 'u1', lastMessageAt: null });
    expect(data.conversation).not.toHaveProperty('role');
    expect(data.conversation).not.toHaveProperty('readSeq');
  });

  it('passes other changes through unchanged', () => {
    expect(toApiChangeData('conversation.read', { conversationId: 'c1', readSeq: 4 })).toEqual({
      conversationId: 'c1',
      readSeq: 4,
    });
  });
});
