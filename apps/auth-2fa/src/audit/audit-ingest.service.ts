import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { DataSource, EntityManager } from 'typeorm';

import {
  AUDIT_EVENT,
  AuditRecordedPayload,
  ConsumedEvent,
  DurableConsumer,
  ensureStream,
  eventSubject,
  JETSTREAM,
  NATS_CONNECTION,
  serviceStream,
} from '@confer/events';

import { toAuditRow } from './audit-entry';
import { AUDIT_OPTIONS, AuditOptions } from './audit.options';
import { AuditRepository } from './audit.repository';

/** Durable names of the trail's consumers: one per source stream, this prefix plus the service. */
export const AUDIT_CONSUMER_PREFIX = 'auth_2fa_audit_';

/**
 * Keeps one durable consumer per service stream, filtered to that service's
 * `audit.recorded` subject. The configured sources' streams are created if
 * they do not exist yet, so lines published by a service that starts later
 * are kept by JetStream until read; any other service stream is found by a
 * periodic look at the stream list.
 */
@Injectable()
export class AuditIngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditIngestService.name);
  private readonly consumers = new Map<string, Promise<DurableConsumer<AuditRecordedPayload>>>();
  private manager?: JetStreamManager;
  private discovery?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(JETSTREAM) private readonly jetstream: JetStreamClient,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.manager = await this.nats.jetstreamManager();
    for (const service of this.options.sources) {
      await ensureStream(this.manager, serviceStream(this.options.prefix, service));
    }
    await Promise.all(this.options.sources.map((service) => this.consume(service)));
    this.discovery = setInterval(() => {
      this.discoverSources().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'audit source discovery failed'),
      );
    }, this.options.discoveryIntervalSeconds * 1000);
    this.discovery.unref();
    await this.discoverSources();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.discovery);
    const consumers = await Promise.allSettled(this.consumers.values());
    await Promise.all(
      consumers.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop()] : [])),
    );
  }

  /** The services whose audit lines are being consumed, by stream token. */
  consumedServices(): string[] {
    return [...this.consumers.keys()].sort();
  }

  /** Stores one line; a malformed one is logged and dropped, as no retry can mend it. */
  async store(
    event: ConsumedEvent<Partial<AuditRecordedPayload>>,
    manager: EntityManager,
  ): Promise<void> {
    const result = toAuditRow(event.payload ?? {}, event.id, event.subject);
    if ('rejected' in result) {
      this.logger.error(
        { eventId: event.id, subject: event.subject, reason: result.rejected },
        'audit event rejected',
      );

      return;
    }
    const fresh = await this.repository.insert(manager, result.row);
    this.logger.debug(
      { eventId: result.row.eventId, orgId: result.row.orgId, action: result.row.action, fresh },
      'audit line stored',
    );
  }

  /** Attaches to every `<prefix>.<service>.>` stream not yet consumed. */
  private async discoverSources(): Promise<void> {
    if (!this.manager || this.stopping) {
      return;
    }
    const wanted: string[] = [];
    for await (const info of this.manager.streams.list()) {
      for (const subject of info.config.subjects ?? []) {
        const service = this.serviceOf(subject);
        if (service && serviceStream(this.options.prefix, service).name === info.config.name) {
          wanted.push(service);
        }
      }
    }
    await Promise.all(wanted.map((service) => this.consume(service)));
  }

  private serviceOf(streamSubject: string): string | undefined {
    const prefix = `${this.options.prefix}.`;
    if (!streamSubject.startsWith(prefix) || !streamSubject.endsWith('.>')) {
      return undefined;
    }
    const token = streamSubject.slice(prefix.length, -2);

    return /^[a-z0-9_]+$/.test(token) ? token : undefined;
  }

  private consume(service: string): Promise<DurableConsumer<AuditRecordedPayload>> {
    const token = service.replace(/-/g, '_');
    const existing = this.consumers.get(token);
    if (existing) {
      return existing;
    }
    const started = this.start(token);
    this.consumers.set(token, started);
    // A failed start (stream removed meanwhile) is retried by the next discovery.
    started.catch((error: unknown) => {
      this.consumers.delete(token);
      this.logger.warn({ err: error, service: token }, 'audit consumer not started');
    });

    return started;
  }

  private async start(token: string): Promise<DurableConsumer<AuditRecordedPayload>> {
    const stream = serviceStream(this.options.prefix, token);
    const consumer = new DurableConsumer<AuditRecordedPayload>(
      this.dataSource,
      this.jetstream,
      this.manager!,
      {
        stream: stream.name,
        durable: `${AUDIT_CONSUMER_PREFIX}${token}`,
        filterSubjects: [eventSubject(this.options.prefix, token, AUDIT_EVENT)],
        handle: (event, manager) => this.store(event, manager),
      },
    );
    await consumer.start();
    if (this.stopping) {
      // Discovery raced the shutdown: this consumer would outlive the database connection.
      await consumer.stop();

      return consumer;
    }
    this.logger.log({ stream: stream.name }, 'audit consumer started');

    return consumer;
  }
}
