import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { build, Histogram } from 'hdr-histogram-js';

/** Latency percentiles in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  concurrency: number;
  completed: number;
  perSecond: number;
  total: Latency;
  /** Named parts of each operation (login, code, /me), when it reports them. */
  parts: Record<string, Latency>;
  /** Failed operations by error code; a failure is not counted in the latencies. */
  errors: Record<string, number>;
  /** CPU milliseconds per completed operation, by process, and the machine's busy share. */
  cpu: CpuShare;
}

/** What one operation reports: the time of each of its named parts, in milliseconds. */
export type Parts = Record<string, number>;

export interface LoadOptions<T> {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Picks what the next operation works on; may wait (not timed). Undefined ends the run. */
  next: () => Promise<T | undefined>;
  /** One timed operation; throws on failure. */
  run: (item: T) => Promise<Parts>;
  /** Returns the item for reuse once its operation ended. */
  release?: (item: T) => void;
  cpu: CpuProbe;
}

/** An operation that failed with the API's answer. */
export class OperationError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * A closed loop: `concurrency` workers each run one operation after another
 * for the warm-up and the measured duration; only operations that start and
 * finish inside the measured window are counted.
 */
export async function closedLoop<T>(options: LoadOptions<T>): Promise<LoadResult> {
  const total = histogram();
  const parts = new Map<string, Histogram>();
  const errors: Record<string, number> = {};
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  let completed = 0;
  let cpuBefore: CpuSample | undefined;
  const worker = async () => {
    for (;;) {
      if (performance.now() >= measureTo) {
        return;
      }
      const item = await options.next();
      if (item === undefined) {
        return;
      }
      const before = performance.now();
      if (before >= measureTo) {
        options.release?.(item);

        return;
      }
      let reported: Parts | undefined;
      let failure: string | undefined;
      try {
        reported = await options.run(item);
      } catch (error) {
        failure = error instanceof OperationError ? error.code : String(error);
      } finally {
        options.release?.(item);
      }
      const after = performance.now();
      if (before < measureFrom || after > measureTo) {
        continue;
      }
      if (failure !== undefined) {
        errors[failure] = (errors[failure] ?? 0) + 1;
        continue;
      }
      completed += 1;
      total.recordValue(Math.round((after - before) * 1000));
      for (const [name, ms] of Object.entries(reported ?? {})) {
        if (!parts.has(name)) {
          parts.set(name, histogram());
        }
        parts.get(name)!.recordValue(Math.round(ms * 1000));
      }
    }
  };
  const cpuStart = setTimeout(
    () => {
      cpuBefore = options.cpu.sample();
    },
    Math.max(0, options.warmupMs),
  );
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearTimeout(cpuStart);
  const measuredMs = Math.min(performance.now(), measureTo) - measureFrom;
  const cpu = options.cpu.share(cpuBefore ?? options.cpu.sample(), options.cpu.sample(), completed);

  return {
    concurrency: options.concurrency,
    completed,
    perSecond: round(completed / (measuredMs / 1000)),
    total: latency(total),
    parts: Object.fromEntries([...parts].map(([name, h]) => [name, latency(h)])),
    errors,
    cpu,
  };
}

function histogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function latency(h: Histogram): Latency {
  const ms = (microseconds: number) => round(microseconds / 1000);

  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

export function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** CPU time of each watched process (clock ticks) and of the whole machine. */
export interface CpuSample {
  processes: Record<string, number>;
  machineBusy: number;
  machineTotal: number;
}

export interface CpuShare {
  /** CPU milliseconds per completed operation, by process. */
  perOperationMs: Record<string, number>;
  /** Share of all cores busy during the measured window, anything running included. */
  machineBusyPercent: number;
}

const TICKS_PER_SECOND = 100;

/**
 * Reads CPU time from /proc: each app of the stack by its pid, the Dovecot
 * master with its reaped children (the per-login imap processes) and its live
 * ones, this load generator, and the machine's totals.
 */
export class CpuProbe {
  constructor(
    private readonly pids: Record<string, number>,
    private readonly dovecotMasterPid?: number,
  ) {}

  sample(): CpuSample {
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      processes[name] = processTicks(pid, false);
    }
    processes['load generator'] = processTicks(process.pid, false);
    if (this.dovecotMasterPid) {
      processes.dovecot =
        processTicks(this.dovecotMasterPid, true) + childTicks(this.dovecotMasterPid);
    }
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const values = fields.map(Number);
    const idle = values[3] + (values[4] ?? 0);
    const machineTotal = values.reduce((sum, value) => sum + value, 0);

    return { processes, machineBusy: machineTotal - idle, machineTotal };
  }

  share(before: CpuSample, after: CpuSample, operations: number): CpuShare {
    const perOperationMs: Record<string, number> = {};
    for (const name of Object.keys(after.processes)) {
      const ticks = after.processes[name] - (before.processes[name] ?? 0);
      perOperationMs[name] =
        operations > 0 ? round(((ticks / TICKS_PER_SECOND) * 1000) / operations) : 0;
    }
    const total = after.machineTotal - before.machineTotal;

    return {
      perOperationMs,
      machineBusyPercent:
        total > 0 ? Math.round(((after.machineBusy - before.machineBusy) / total) * 100) : 0,
    };
  }
}

/** utime + stime of a process, with its reaped children's when asked; 0 when it is gone. */
function processTicks(pid: number, withReaped: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);

    return withReaped ? own + Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0;
  }
}

function childTicks(parent: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }

  return ticks;
}
