import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { NatsConnection } from 'nats';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';

import { LeaderConnection, NATS_CONNECTION, publishLive, WakeSignal } from '@confer/events';

import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { framesByUser, MemberWindow, sharedConversations, TailedChange } from './live-recipients';

const lag = new Histogram({
  name: 'confer_messaging_live_lag_seconds',
  help: "From a change's transaction start to its live publish.",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

/** The lock that elects one tailer per deployment, and its row in live_tail. */
export const LIVE_TAIL_LOCK = 'confer.messaging.live-tail';
/** How often the tailer saves its place while publishing; a new leader republishes at most this much. */
const SAVE_EVERY_MS = 100;
/** How often the leader refreshes its saved place while nothing moves, so it stays recent. */
const REFRESH_EVERY_MS = 5_000;

/**
 * The positions below the horizon: every transaction with a lower id has
 * ended, so nothing can ever appear below it. Primary key (stream_pos).
 */
const PAGE_QUERY = `
  SELECT stream_pos, conversation_id, user_id, type, payload,
    extract(epoch FROM created_at) * 1000 AS created_ms
  FROM changes
  WHERE stream_pos > $1
    AND stream_pos < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)
  ORDER BY stream_pos LIMIT $2`;

/**
 * Every stay whose window overlaps the page, by primary key (conversation_id,
 * user_id, joined_pos); framesByUser applies each change's own position. Not
 * the members rows: those hold only the current stay, and by the time the
 * tailer reaches a removal the member may have been added again.
 */
const WINDOWS_QUERY = `
  SELECT conversation_id, user_id, joined_pos, left_pos FROM member_windows
  WHERE conversation_id = ANY($1::uuid[])
    AND joined_pos <= $3 AND (left_pos IS NULL OR left_pos >= $2)`;

/**
 * Publishes the change stream live, in position order, and only below the
 * horizon, so the last live `seq` a device saw is a safe resume cursor: no
 * change can later appear below it. One replica leads (an advisory lock on
 * its own connection, on which it also reads); the others stand by and take
 * over when its connection dies. The leader wakes when this process commits
 * changes and polls otherwise, which picks up other replicas' commits. It
 * saves its place in live_tail, and a new leader resumes from there (when
 * saved recently), so a failover or restart republishes a little rather than
 * skipping; the gateway drops frames a socket already has.
 */
@Injectable()
export class LiveTailer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveTailer.name);
  private readonly leader: LeaderConnection;
  private readonly settings: MessagingConfig['live'];
  private running = false;
  private loop?: Promise<void>;
  private readonly signal = new WakeSignal();
  /** The last position published while leading; undefined until the first page after taking the lock. */
  private position?: number;
  private saved?: { position: number; at: number };

  constructor(
    dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    this.settings = config.live;
    this.leader = new LeaderConnection(dataSource, LIVE_TAIL_LOCK, {
      retreatMs: this.settings.standbyPollMs * 2,
    });
  }

  /** Whether this replica holds the lock and publishes. */
  get leading(): boolean {
    return this.leader.leading;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Called after every commit that wrote changes, so they go out without waiting for the poll. */
  notify(): void {
    if (this.leader.leading) {
      this.signal.notify();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.signal.interrupt();
    await this.loop;
    if (this.leader.leading && this.position !== undefined) {
      await this.save(this.position).catch(() => undefined);
    }
    await this.leader.drop({ retreat: false });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.signal.beginRound();
        if (!(await this.leader.acquire())) {
          this.position = undefined;
          await this.signal.sleep(this.settings.standbyPollMs);
          continue;
        }
        if (this.position === undefined) {
          this.position = await this.startingPosition();
          this.logger.log({ position: this.position }, 'live tailer leads');
        }
        const published = await this.publishPage(this.position);
        await this.saveWhenDue();
        failures = 0;
        if (published < this.settings.pageSize) {
          await this.signal.sleep(this.settings.pollMs, { idle: true });
        }
      } catch (error) {
        failures += 1;
        if (!this.leader.leading) {
          this.position = undefined;
        }
        this.logger.warn({ err: error, failures }, 'live tailer failed; retrying');
        await this.signal.sleep(Math.min(50 * 2 ** failures, 2_000));
      }
    }
  }

  /** The saved place when it is recent, else the newest position that is final now. */
  private async startingPosition(): Promise<number> {
    const [row] = await this.leader.query<{ saved: string | null; horizon: string }>(
      `SELECT
         (SELECT position FROM live_tail
          WHERE name = $1 AND updated_at > now() - make_interval(secs => $2)) AS saved,
         (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16) - 1 AS horizon`,
      [LIVE_TAIL_LOCK, this.settings.resumeSeconds],
    );
    const position = Number(row.saved ?? row.horizon);
    await this.save(position);

    return position;
  }

  /** Publishes the next page after `after`; returns how many changes it held. */
  private async publishPage(after: number): Promise<number> {
    const page = await this.leader.query<TailedChange & { created_ms: string }>(PAGE_QUERY, [
      after,
      this.settings.pageSize,
    ]);
    if (page.length === 0) {
      return 0;
    }
    const conversationIds = sharedConversations(page);
    const windows =
      conversationIds.length === 0
        ? []
        : await this.leader.query<MemberWindow>(WINDOWS_QUERY, [
            conversationIds,
            page[0].stream_pos,
            page[page.length - 1].stream_pos,
          ]);
    const frames = framesByUser(page, windows);
    if (this.nats.isClosed()) {
      throw new Error('NATS connection closed');
    }
    publishLive(this.nats, this.config.nats.prefix, frames);
    this.position = Number(page[page.length - 1].stream_pos);
    const now = Date.now();
    for (const change of page) {
      lag.observe(Math.max(0, now - Number(change.created_ms)) / 1000);
    }

    return page.length;
  }

  private async saveWhenDue(): Promise<void> {
    const position = this.position as number;
    const since = Date.now() - (this.saved?.at ?? 0);
    const moved = this.saved?.position !== position;
    if ((moved && since >= SAVE_EVERY_MS) || since >= REFRESH_EVERY_MS) {
      await this.save(position);
    }
  }

  private async save(position: number): Promise<void> {
    await this.leader.query(
      `INSERT INTO live_tail (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [LIVE_TAIL_LOCK, position],
    );
    this.saved = { position, at: Date.now() };
  }
}
