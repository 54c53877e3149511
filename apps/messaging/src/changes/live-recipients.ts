import { LiveFrame } from '@confer/events';

/** A row of the changes table as the live tailer reads it. */
export interface TailedChange {
  stream_pos: string;
  conversation_id: string | null;
  user_id: string | null;
  type: string;
  payload: unknown;
}

/** A membership's change-stream window: shared changes from joined_pos up to and including left_pos. */
export interface MemberWindow {
  conversation_id: string;
  user_id: string;
  joined_pos: string;
  left_pos: string | null;
}

/**
 * Each user's frames for a page of changes (in position order), by the same
 * rule Sync applies: a change addressed to a user goes to that user; a
 * conversation's shared change goes to every member whose window covers its
 * position. Frames keep the page's order, so each user's list is ascending.
 */
export function framesByUser(
  changes: TailedChange[],
  windows: MemberWindow[],
): Map<string, LiveFrame[]> {
  const byConversation = new Map<string, { userId: string; from: number; to: number }[]>();
  for (const window of windows) {
    const list = byConversation.get(window.conversation_id) ?? [];
    list.push({
      userId: window.user_id,
      from: Number(window.joined_pos),
      to: window.left_pos === null ? Number.POSITIVE_INFINITY : Number(window.left_pos),
    });
    byConversation.set(window.conversation_id, list);
  }
  const frames = new Map<string, LiveFrame[]>();
  const add = (userId: string, frame: LiveFrame) => {
    const list = frames.get(userId);
    if (list) {
      list.push(frame);
    } else {
      frames.set(userId, [frame]);
    }
  };
  for (const change of changes) {
    const seq = Number(change.stream_pos);
    const frame: LiveFrame = { type: change.type, seq, data: change.payload };
    if (change.user_id) {
      add(change.user_id, frame);
      continue;
    }
    for (const member of byConversation.get(change.conversation_id ?? '') ?? []) {
      if (member.from <= seq && seq <= member.to) {
        add(member.userId, frame);
      }
    }
  }

  return frames;
}

/** The conversations whose members the page's shared changes go to. */
export function sharedConversations(changes: TailedChange[]): string[] {
  const ids = new Set<string>();
  for (const change of changes) {
    if (!change.user_id && change.conversation_id) {
      ids.add(change.conversation_id);
    }
  }

  return [...ids];
}
