import { performance } from 'node:perf_hooks';

import { build } from 'hdr-histogram-js';

import type { Subject } from './verifiers';

export interface Measurement {
  name: string;
  /** `repeat`: tokens seen before (the usual request); `first`: each token's first request. */
  pass: 'repeat' | 'first';
  iterations: number;
  distinctTokens: number;
  /** Microseconds. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  perSecond: number;
}

/**
 * Times one verify() call at a time, in nanoseconds, so the histogram holds
 * the latency one request would see from the verifier. First each token's
 * first request (nothing remembered yet, keys already loaded by one
 * unmeasured call), then `iterations` repeated requests cycling through the
 * same tokens after an unmeasured warm-up.
 */
export async function measure(
  subject: Subject,
  iterations: number,
  warmup: number,
): Promise<Measurement[]> {
  const { verifier, tokens } = subject;
  await verifier.verify(tokens[0]);
  const first = await timed(subject, tokens.slice(1), 'first');
  for (let index = 0; index < warmup; index += 1) {
    await verifier.verify(tokens[index % tokens.length]);
  }
  const cycle = Array.from({ length: iterations }, (_, index) => tokens[index % tokens.length]);
  const repeat = await timed(subject, cycle, 'repeat');

  return [repeat, first];
}

async function timed(
  subject: Subject,
  sequence: string[],
  pass: Measurement['pass'],
): Promise<Measurement> {
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const started = performance.now();
  for (const token of sequence) {
    const before = process.hrtime.bigint();
    await subject.verifier.verify(token);
    histogram.recordValue(Number(process.hrtime.bigint() - before));
  }
  const elapsedMs = performance.now() - started;
  const micros = (percentile: number) => round(histogram.getValueAtPercentile(percentile) / 1000);

  return {
    name: subject.name,
    pass,
    iterations: sequence.length,
    distinctTokens: subject.tokens.length,
    p50: micros(50),
    p90: micros(90),
    p99: micros(99),
    p999: micros(99.9),
    max: round(histogram.maxValue / 1000),
    perSecond: Math.round((sequence.length / elapsedMs) * 1000),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
