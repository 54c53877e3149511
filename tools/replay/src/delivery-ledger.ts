/**
 * What each device should have received and what it did. A member's window
 * is the seqs sent while it was a member; a device must see each message in
 * its windows once, in seq order.
 */
export interface DeviceReport {
  person: string;
  device: number;
  expected: number;
  delivered: number;
  duplicated: number;
  outOfOrder: number;
  missing: number;
  unexpected: number;
}

interface Window {
  afterSeq: number;
  throughSeq: number;
}

export class DeliveryLedger {
  private readonly windows = new Map<string, Window[]>();
  private readonly received = new Map<string, { seqs: number[]; ids: Set<string>; duplicated: number }>();

  /** The person became a member when the conversation's last seq was `afterSeq`. */
  joined(person: string, afterSeq: number): void {
    const list = this.windows.get(person) ?? [];
    list.push({ afterSeq, throughSeq: Number.POSITIVE_INFINITY });
    this.windows.set(person, list);
  }

  /** The person stopped being a member after `throughSeq`. */
  left(person: string, throughSeq: number): void {
    const open = this.windows.get(person)?.at(-1);
    if (open && open.throughSeq === Number.POSITIVE_INFINITY) {
      open.throughSeq = throughSeq;
    }
  }

  isMember(person: string): boolean {
    return this.windows.get(person)?.at(-1)?.throughSeq === Number.POSITIVE_INFINITY;
  }

  /** The seq the person's read cursor started from at their latest join. */
  lastJoinSeq(person: string): number {
    return this.windows.get(person)?.at(-1)?.afterSeq ?? 0;
  }

  record(person: string, device: number, messageId: string, seq: number): void {
    const key = `${person}#${device}`;
    const entry = this.received.get(key) ?? { seqs: [], ids: new Set<string>(), duplicated: 0 };
    if (entry.ids.has(messageId)) {
      entry.duplicated += 1;
    } else {
      entry.ids.add(messageId);
      entry.seqs.push(seq);
    }
    this.received.set(key, entry);
  }

  expectedSeqs(person: string, lastSeq: number): number[] {
    const seqs: number[] = [];
    for (const window of this.windows.get(person) ?? []) {
      for (let seq = window.afterSeq + 1; seq <= Math.min(window.throughSeq, lastSeq); seq++) {
        seqs.push(seq);
      }
    }

    return seqs;
  }

  deliveredCount(person: string, device: number): number {
    return this.received.get(`${person}#${device}`)?.seqs.length ?? 0;
  }

  report(person: string, device: number, lastSeq: number): DeviceReport {
    const entry = this.received.get(`${person}#${device}`) ?? { seqs: [], ids: new Set(), duplicated: 0 };
    const expected = new Set(this.expectedSeqs(person, lastSeq));
    const got = new Set(entry.seqs);
    let outOfOrder = 0;
    for (let i = 1; i < entry.seqs.length; i++) {
      if (entry.seqs[i] <= entry.seqs[i - 1]) {
        outOfOrder += 1;
      }
    }

    return {
      person,
      device,
      expected: expected.size,
      delivered: entry.seqs.length,
      duplicated: entry.duplicated,
      outOfOrder,
      missing: [...expected].filter((seq) => !got.has(seq)).length,
      unexpected: [...got].filter((seq) => !expected.has(seq)).length,
    };
  }
}
