import { framesByUser, MemberWindow, sharedConversations, TailedChange } from './live-recipients';

const change = (
  pos: number,
  conversationId: string,
  userId: string | null = null,
): TailedChange => ({
  stream_pos: String(pos),
  conversation_id: conversationId,
  user_id: userId,
  type: userId ? 'conversation.read' : 'message.created',
  payload: { pos },
});

const window = (
  conversationId: string,
  userId: string,
  from: number,
  to?: number,
): MemberWindow => ({
  conversation_id: conversationId,
  user_id: userId,
  joined_pos: String(from),
  left_pos: to === undefined ? null : String(to),
});

const seqs = (frames: Map<string, { seq: number }[]>, userId: string) =>
  (frames.get(userId) ?? []).map((frame) => frame.seq);

describe(framesByUser.name, () => {
  it('sends a shared change to members whose window covers it, both ends included', () => {
    const frames = framesByUser(
      [change(10, 'c1'), change(20, 'c1'), change(30, 'c1')],
      [window('c1', 'early', 5), window('c1', 'joined', 20), window('c1', 'left', 5, 20)],
    );

    expect(seqs(frames, 'early')).toEqual([10, 20, 30]);
    expect(seqs(frames, 'joined')).toEqual([20, 30]);
    expect(seqs(frames, 'left')).toEqual([10, 20]);
  });

  it("sends a user's own change only to that user, in page order with shared ones", () => {
    const frames = framesByUser(
      [change(10, 'c1'), change(11, 'c2', 'me'), change(12, 'c1')],
      [window('c1', 'me', 1), window('c1', 'other', 1)],
    );

    expect(seqs(frames, 'me')).toEqual([10, 11, 12]);
    expect(seqs(frames, 'other')).toEqual([10, 12]);
    expect(frames.get('me')![1]).toEqual({ type: 'conversation.read', seq: 11, data: { pos: 11 } });
  });

  it('sends a member who left and came back each stay once, and nothing between them', () => {
    const frames = framesByUser(
      [10, 20, 25, 30, 40].map((pos) => change(pos, 'c1')),
      [window('c1', 'back', 10, 20), window('c1', 'back', 30)],
    );

    expect(seqs(frames, 'back')).toEqual([10, 20, 30, 40]);
  });

  it('keeps conversations apart', () => {
    const frames = framesByUser([change(10, 'c1'), change(11, 'c2')], [window('c2', 'u', 1)]);

    expect(seqs(frames, 'u')).toEqual([11]);
    expect(frames.size).toBe(1);
  });
});

describe(sharedConversations.name, () => {
  it('lists each conversation with a shared change once, ignoring user-scoped changes', () => {
    expect(
      sharedConversations([
        change(1, 'c1'),
        change(2, 'c1'),
        change(3, 'c2', 'u'),
        change(4, 'c3'),
      ]),
    ).toEqual(['c1', 'c3']);
  });
});
