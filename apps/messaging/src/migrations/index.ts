import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { ConversationsMessagesChanges1764900000000 } from './1764900000000-conversations-messages-changes';
import { LiveTail1765000000000 } from './1765000000000-live-tail';
import { UserBlocks1796410444966 } from './1796410444966-user-blocks';
import { MemberWindows1796500000000 } from './1796500000000-member-windows';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [
  InitialSchema1764806400000,
  ConversationsMessagesChanges1764900000000,
  LiveTail1765000000000,
  UserBlocks1796410444966,
  MemberWindows1796500000000,
];
