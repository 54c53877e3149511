import { JetStreamManager, RetentionPolicy, StorageType } from 'nats';

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** How long events stay for consumers that were away (default 7 days). */
  maxAgeSeconds?: number;
}

const NANOS_PER_SECOND = 1_000_000_000;
/** The window in which JetStream drops a second publish of the same Nats-Msg-Id. */
export const DUPLICATE_WINDOW_SECONDS = 120;

/** Creates the stream or brings its subjects up to date; safe to call on every start. */
export async function ensureStream(manager: JetStreamManager, spec: StreamSpec): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: (spec.maxAgeSeconds ?? 7 * 24 * 3600) * NANOS_PER_SECOND,
    duplicate_window: DUPLICATE_WINDOW_SECONDS * NANOS_PER_SECOND,
  };
  try {
    const info = await manager.streams.info(spec.name);
    const same =
      info.config.subjects.length === spec.subjects.length &&
      spec.subjects.every((subject) => info.config.subjects.includes(subject));
    if (!same) {
      await manager.streams.update(spec.name, { subjects: spec.subjects });
    }
  } catch (error) {
    if ((error as { code?: string }).code !== '404') {
      throw error;
    }
    await manager.streams.add(config);
  }
}

/** The subject of one of a service's facts: `<prefix>.<service>.<resource>.<verb>`. */
export function eventSubject(prefix: string, service: string, event: string): string {
  return `${prefix}.${service.replace(/-/g, '_')}.${event}`;
}

/** Each service publishes its facts under `<prefix>.<service>.>` into a stream of its own. */
export function serviceStream(prefix: string, service: string): StreamSpec {
  const token = service.replace(/-/g, '_');

  return { name: `${prefix}_${token}`.toUpperCase(), subjects: [`${prefix}.${token}.>`] };
}
