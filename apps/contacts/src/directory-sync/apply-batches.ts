/**
 * Rows written per statement when a run applies its changes. A run of 100,000
 * people is a few dozen statements per table instead of one per person, and no
 * statement carries arrays large enough to strain the driver or the server's
 * parser. Every batch is written in the run's one transaction.
 */
export const APPLY_BATCH_SIZE = 2_000;

/** Consecutive slices of at most `size` items. */
export function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  const step = Math.max(1, Math.floor(size));
  for (let start = 0; start < items.length; start += step) {
    yield items.slice(start, start + step);
  }
}

/**
 * Milliseconds spent in each phase of a run, kept in its report so a slow run
 * says where its time went (reading the directory, departments, people, ...).
 */
export class PhaseClock {
  private readonly phases: Record<string, number> = {};
  private last = performance.now();

  /** Ends the current phase under this name (added to the phase's earlier time, if any). */
  lap(name: string): void {
    const now = performance.now();
    this.phases[name] = (this.phases[name] ?? 0) + Math.round(now - this.last);
    this.last = now;
  }

  get recorded(): Record<string, number> {
    return { ...this.phases };
  }
}
