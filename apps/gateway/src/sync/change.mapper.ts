import { messaging } from '@confer/proto';

import { LiveFrame } from '@confer/events';

import { ChangeDto, SyncPageDto } from './sync.dto';

/** A change's data_json, parsed; a change whose data cannot be read carries null rather than failing the page. */
export function changeData(dataJson: string): unknown {
  if (!dataJson) {
    return null;
  }
  try {
    return JSON.parse(dataJson) as unknown;
  } catch {
    return null;
  }
}

export function toChangeDto(change: messaging.Change): ChangeDto {
  return {
    type: change.type,
    seq: change.seq,
    conversationId: change.conversationId || null,
    data: changeData(change.dataJson),
  };
}

/** The WebSocket frame of a change, as live deliveries carry it. */
export function toLiveFrame(change: messaging.Change): LiveFrame {
  return { type: change.type, seq: change.seq, data: changeData(change.dataJson) };
}

export function toSyncPageDto(page: messaging.SyncPage): SyncPageDto {
  return {
    items: page.items.map(toChangeDto),
    nextCursor: page.hasMore ? String(page.nextSince) : null,
    position: page.nextSince,
  };
}
