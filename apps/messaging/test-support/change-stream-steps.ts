import { Subscription } from 'nats';

import { LiveFrame, liveSubject } from '@confer/events';
import { Caller } from '@confer/grpc';
import { messaging } from '@confer/proto';

import { MessagingHarness } from './messaging-harness';

const { ConversationKind, MessageKind } = messaging;

/**
 * The steps the change-stream specs take against a running messaging app:
 * send, open a group, listen to a user's live subject, read Sync to the end.
 * `tag` keeps client message ids and titles apart between spec files.
 */
export function changeStreamSteps(harness: () => MessagingHarness, tag: string) {
  const subscriptions: Subscription[] = [];
  let sent = 0;

  return {
    say(from: Caller, conversationId: string, via = harness()) {
      sent += 1;

      return via.client.sendMessage(from, {
        conversationId,
        clientMessageId: `${tag}${sent}`,
        kind: MessageKind.MESSAGE_KIND_TEXT,
        text: `message ${sent}`,
        emoji: '',
      });
    },

    group(owner: Caller, others: Caller[]) {
      return harness().client.createConversation(owner, {
        kind: ConversationKind.CONVERSATION_KIND_GROUP,
        title: `${tag} room`,
        memberIds: others.map((o) => o.userId),
        id: '',
        idempotencyKey: '',
      });
    },

    /** Every live frame published for a user, in arrival order, collected as they come. */
    async listen(user: Caller): Promise<LiveFrame[]> {
      const h = harness();
      const frames: LiveFrame[] = [];
      const subscription = h.nats.subscribe(liveSubject(h.prefix, user.userId));
      subscriptions.push(subscription);
      void (async () => {
        for await (const message of subscription) {
          frames.push(...(JSON.parse(new TextDecoder().decode(message.data)) as LiveFrame[]));
        }
      })();
      await h.nats.flush();

      return frames;
    },

    /** Walks Sync from `since` in pages of `limit` until it reports nothing more. */
    async readSync(
      user: Caller,
      options: {
        since?: number;
        limit: number;
        eachPage?: (page: messaging.SyncPage, since: number) => void;
      },
    ): Promise<{ items: LiveFrame[]; next: number }> {
      const items: LiveFrame[] = [];
      let next = options.since ?? 0;
      for (;;) {
        const page = await harness().client.sync(user, { since: next, limit: options.limit });
        options.eachPage?.(page, next);
        items.push(
          ...page.items.map((c) => ({ seq: c.seq, type: c.type, data: JSON.parse(c.dataJson) })),
        );
        next = page.nextSince;
        if (!page.hasMore) {
          return { items, next };
        }
      }
    },

    unsubscribeAll(): void {
      subscriptions.forEach((s) => s.unsubscribe());
    },
  };
}
