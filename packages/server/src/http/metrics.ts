/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format. Recording is a Map lookup and an addition, cheap enough for the
 * verify path.
 */
type Labels = Record<string, string>;

/** Rendered label sets, memoized: recording on the hot path must not build strings. */
const renderedLabels = new Map<string, string>();

const labelText = (labels: Labels): string => {
  let key = '';
  for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
  let text = renderedLabels.get(key);
  if (text === undefined) {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
    text = parts.length ? `{${parts.join(',')}}` : '';
    if (renderedLabels.size < 10_000) renderedLabels.set(key, text);
  }
  return text;
};

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
    return lines.join('\n');
  }
}

interface HistogramSeries {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) s.buckets[i]!++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const inner = key.slice(1, -1);
      const withLe = (le: string) => `{${inner ? `${inner},` : ''}le="${le}"}`;
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket${withLe(String(b))} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${s.count}`);
      lines.push(`${this.name}_sum${key} ${s.sum}`);
      lines.push(`${this.name}_count${key} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** Every metric the server exports, in one place. */
export function createMetrics() {
  const metrics = {
    httpRequests: new Counter('http_requests_total', 'HTTP requests by method, route and status.'),
    httpDuration: new Histogram(
      'http_request_duration_seconds',
      'HTTP request duration in seconds by method and route.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    verifyCache: new Counter(
      'verify_cache_lookups_total',
      'Credential verification cache lookups by result: hit, miss, or bypass (cache untrusted while the invalidation listener is down).',
    ),
    invalidationsApplied: new Counter('cache_invalidations_applied_total', "Credential invalidations applied to this instance's cache."),
    batchFlushes: new Counter('batch_flushes_total', 'Batched write flushes by batch and outcome.'),
    batchFlushSize: new Histogram('batch_flush_size', 'Records written per batch flush.', [1, 10, 100, 1000, 10000]),
    usageEventsDropped: new Counter(
      'usage_events_dropped_total',
      'Usage events dropped because the queue was full while the database could not be written.',
    ),
  };
  return {
    ...metrics,
    render: (): string =>
      `${Object.values(metrics)
        .map((m) => m.render())
        .join('\n')}\n`,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
