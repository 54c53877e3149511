/**
 * The sleep of a polling loop that work can cut short: `notify` ends the
 * current sleep and, when it comes while a round is still running, makes the
 * next idle sleep return at once, so a commit made during a round is never
 * left waiting for the poll interval.
 */
export class WakeSignal {
  private wake?: () => void;
  private pending = false;

  /** New work arrived. */
  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Ends the current sleep without claiming new work (for stopping). */
  interrupt(): void {
    this.wake?.();
  }

  /** A round starts: what was notified so far is what it handles. */
  beginRound(): void {
    this.pending = false;
  }

  /** Waits `ms`, or until notify or interrupt; an idle sleep skips waiting when work came meanwhile. */
  sleep(ms: number, options: { idle?: boolean } = {}): Promise<void> {
    if (options.idle && this.pending) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
