import { InitialSchema1764806400000 } from './1764806400000-initial-schema';
import { ConversationsMessagesChanges1764900000000 } from './1764900000000-conversations-messages-changes';

/** Every migration of this app, oldest first. Never edit one that has shipped; add a new one. */
export const MIGRATIONS = [InitialSchema1764806400000, ConversationsMessagesChanges1764900000000];
