/**
 * A token bucket per socket: `ratePerSecond` frames sustained, bursts up to
 * `burst`. Two numbers of state, refilled lazily on each frame, so idle
 * sockets cost nothing and no timer is needed.
 */
export class FloodLimiter {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Takes one token for a frame; false when the socket has been sending too fast. */
  take(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) {
      return false;
    }
    this.tokens -= 1;

    return true;
  }
}
