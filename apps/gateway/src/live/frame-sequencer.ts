import { LiveFrame } from '@confer/events';

/**
 * Orders one socket's stream frames. While a resume replays missed changes
 * from Sync, live frames arriving meanwhile are held back; when the replay
 * ends they are let through in seq order. Whatever the source, a frame whose
 * seq is not above the last one sent is dropped, so the device gets each
 * change exactly once and in order.
 */
export class FrameSequencer {
  private held: LiveFrame[] | null = null;
  private overflowed = false;

  constructor(
    private readonly send: (frame: LiveFrame) => void,
    private lastSent: number,
    /** Most live frames held during a replay before giving up on them. */
    private readonly holdLimit: number,
  ) {}

  get lastSeq(): number {
    return this.lastSent;
  }

  get replaying(): boolean {
    return this.held !== null;
  }

  /** The device already holds everything up to `seq`: frames at or below it are dropped. */
  skipTo(seq: number): void {
    this.lastSent = Math.max(this.lastSent, seq);
  }

  /** From now until endReplay, live frames are held. */
  beginReplay(): void {
    this.held = [];
    this.overflowed = false;
  }

  /** Frames read from Sync, oldest first. */
  replay(frames: LiveFrame[]): void {
    for (const frame of frames) {
      this.emit(frame);
    }
  }

  /**
   * Lets the held live frames through. Answers false when more arrived than
   * could be held: the device then has a gap and must resync.
   */
  endReplay(): boolean {
    const held = this.held ?? [];
    const complete = !this.overflowed;
    this.held = null;
    this.overflowed = false;
    if (complete) {
      held.sort((a, b) => a.seq - b.seq);
      this.replay(held);
    }

    return complete;
  }

  /** Frames published live for this user. */
  live(frames: LiveFrame[]): void {
    if (this.held === null) {
      this.replay(frames);

      return;
    }
    if (this.overflowed) {
      return;
    }
    if (this.held.length + frames.length > this.holdLimit) {
      this.held = [];
      this.overflowed = true;

      return;
    }
    this.held.push(...frames);
  }

  private emit(frame: LiveFrame): void {
    if (frame.seq <= this.lastSent) {
      return;
    }
    this.lastSent = frame.seq;
    this.send(frame);
  }
}
