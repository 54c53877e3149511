import { performance } from 'node:perf_hooks';

import { build, Histogram } from 'hdr-histogram-js';

import { BenchQuery, QUERY_KINDS, QueryKind } from './queries';

export interface KindSummary {
  kind: QueryKind | 'all';
  count: number;
  /** Mean number of people returned: a query kind that finds no one measures less work. */
  meanHits: number;
  p50: number;
  p99: number;
  max: number;
}

export type Search = (query: BenchQuery) => Promise<number>;

/**
 * Runs the queries one after another (one searching person at a time, so the
 * figure is the latency of a search, not of a queue), the first `warmup` of
 * them unmeasured, and returns p50/p99/max in milliseconds per kind.
 */
export async function measure(
  search: Search,
  queries: BenchQuery[],
  warmup: number,
): Promise<KindSummary[]> {
  const histograms = new Map<QueryKind | 'all', { histogram: Histogram; hits: number }>();
  for (const kind of ['all' as const, ...QUERY_KINDS]) {
    histograms.set(kind, {
      histogram: build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 60_000_000,
        numberOfSignificantValueDigits: 3,
      }),
      hits: 0,
    });
  }
  for (const [index, query] of queries.entries()) {
    const started = performance.now();
    const hits = await search(query);
    const micros = Math.max(1, Math.round((performance.now() - started) * 1000));
    if (index < warmup) {
      continue;
    }
    for (const kind of ['all' as const, query.kind]) {
      const entry = histograms.get(kind)!;
      entry.histogram.recordValue(micros);
      entry.hits += hits;
    }
  }

  return [...histograms.entries()].map(([kind, { histogram, hits }]) => {
    const ms = (micros: number) => Math.round(micros / 10) / 100;
    const summary = {
      kind,
      count: histogram.totalCount,
      meanHits: histogram.totalCount ? Math.round((hits / histogram.totalCount) * 10) / 10 : 0,
      p50: ms(histogram.getValueAtPercentile(50)),
      p99: ms(histogram.getValueAtPercentile(99)),
      max: ms(histogram.maxValue),
    };
    histogram.destroy();

    return summary;
  });
}
