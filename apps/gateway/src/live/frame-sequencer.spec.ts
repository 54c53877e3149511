import { LiveFrame } from '@confer/events';

import { FrameSequencer } from './frame-sequencer';

const frame = (seq: number, type = 'message.created'): LiveFrame => ({ type, seq, data: { seq } });

function sequencer(lastSeq = 0, holdLimit = 100) {
  const sent: number[] = [];
  const instance = new FrameSequencer((f) => sent.push(f.seq), lastSeq, holdLimit);

  return { instance, sent };
}

describe(FrameSequencer.name, () => {
  it('passes live frames straight through when not replaying', () => {
    const { instance, sent } = sequencer();
    instance.live([frame(1), frame(2)]);

    expect(sent).toEqual([1, 2]);
  });

  it('never sends a frame at or below the last seq sent', () => {
    const { instance, sent } = sequencer(5);
    instance.live([frame(4), frame(5), frame(6), frame(6), frame(3), frame(7)]);

    expect(sent).toEqual([6, 7]);
    expect(instance.lastSeq).toBe(7);
  });

  it('delivers replayed and live-buffered frames exactly once and in order', () => {
    const { instance, sent } = sequencer(10);
    instance.beginReplay();
    // Live frames arrive while Sync is being read; some overlap the replay.
    instance.live([frame(13), frame(14)]);
    instance.replay([frame(11), frame(12), frame(13)]);
    instance.live([frame(16), frame(15)]);
    instance.replay([frame(14)]);

    expect(sent).toEqual([11, 12, 13, 14]);
    expect(instance.endReplay()).toBe(true);
    expect(sent).toEqual([11, 12, 13, 14, 15, 16]);
    instance.live([frame(16), frame(17)]);
    expect(sent).toEqual([11, 12, 13, 14, 15, 16, 17]);
  });

  it('holds live frames back until the replay ends', () => {
    const { instance, sent } = sequencer();
    instance.beginReplay();
    instance.live([frame(1)]);

    expect(sent).toEqual([]);
    expect(instance.replaying).toBe(true);
    instance.endReplay();
    expect(sent).toEqual([1]);
    expect(instance.replaying).toBe(false);
  });

  it('reports a gap when more live frames arrive during a replay than it may hold', () => {
    const { instance, sent } = sequencer(0, 3);
    instance.beginReplay();
    instance.live([frame(5), frame(6)]);
    instance.live([frame(7), frame(8)]);
    instance.replay([frame(1), frame(2)]);

    expect(instance.endReplay()).toBe(false);
    expect(sent).toEqual([1, 2]);
    instance.live([frame(9)]);
    expect(sent).toEqual([1, 2, 9]);
  });
});
